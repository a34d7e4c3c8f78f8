using Microsoft.Extensions.Options;

namespace SessionFunctions.Api;

/// <summary>Settings under <c>Api</c>: limits and diagnostics of the HTTP surface.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Largest accepted request body. Default 64 KiB (custom claims and metadata are capped at 4 KB each).</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest accepted total of request header names and values. Default 16 KiB.</summary>
    public int MaxRequestHeaderBytes { get; set; } = 16 * 1024;

    /// <summary>Adds <c>X-Request-Cost: tables=…;userinfo=…;signatures=…</c> to every answer (tests and benchmarks).</summary>
    public bool ExposeRequestCosts { get; set; }

    /// <summary>Rate limits on migrate and authenticate, per instance of the service.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>Token buckets: each refills to its limit once per <see cref="Window"/>. Zero turns a limit off.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Authenticated requests per window for the whole project (this instance). Default 2000 per second.</summary>
    public int ProjectPermits { get; set; } = 2000;

    /// <summary>
    /// Requests per window from one client address. Off by default: callers are customer backends, so one address is
    /// often a whole backend fleet behind NAT. Turn it on when untrusted clients can reach the API directly.
    /// </summary>
    public int ClientPermits { get; set; }

    /// <summary>
    /// Failed authentications per window from one client address (any route); past it, that address gets 429 instead
    /// of 401. Flood control, not a guard against guessing (the secret is long and random): valid credentials are never
    /// refused because of it, and failed ones never spend the project's permits. Default 20.
    /// </summary>
    public int FailedAuthenticationPermits { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many proxies in front of this host append the address they saw to <c>X-Forwarded-For</c> and are trusted to
    /// (see <see cref="Http.ClientAddress"/>). 0, the default, counts the connection's address and ignores the header.
    /// </summary>
    public int TrustedProxies { get; set; }
}

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions o)
    {
        var errors = new List<string>();
        if (o.MaxRequestBodyBytes is < 1024 or > 16 * 1024 * 1024)
            errors.Add("Api__MaxRequestBodyBytes must be between 1024 and 16777216.");
        if (o.MaxRequestHeaderBytes is < 1024 or > 60 * 1024)
            errors.Add("Api__MaxRequestHeaderBytes must be between 1024 and 61440.");
        if (o.RateLimit.ProjectPermits < 0 || o.RateLimit.ClientPermits < 0)
            errors.Add("Api__RateLimit__ProjectPermits and Api__RateLimit__ClientPermits must be 0 (off) or more.");
        if (o.RateLimit.FailedAuthenticationPermits < 0)
            errors.Add("Api__RateLimit__FailedAuthenticationPermits must be 0 (off) or more.");
        if (o.RateLimit.TrustedProxies is < 0 or > 10)
            errors.Add("Api__RateLimit__TrustedProxies must be between 0 (the connection's address) and 10.");
        if (o.RateLimit.Window < TimeSpan.FromMilliseconds(1) || o.RateLimit.Window > TimeSpan.FromHours(1))
            errors.Add("Api__RateLimit__Window must be between 00:00:00.001 and 01:00:00.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
