using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Api.Http;

/// <summary>
/// Token buckets, in every host (they run inside <see cref="ApiHandler"/>, not as Server middleware). Authenticated
/// calls to migrate and authenticate spend the project's permits and, when configured, their client address's.
/// Failed authentications, on any route, spend only their client address's own failure permits: past those, that
/// address gets 429 instead of 401, and nobody else is affected — a caller with valid credentials is never refused
/// for anyone's failures, even from the same (NAT) address. Limits are per instance: N instances allow N times as much.
/// The client address is <see cref="ClientAddress"/>: the connection's, or what trusted proxies put in X-Forwarded-For.
/// </summary>
public sealed class ApiRateLimiter : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<HttpContext> _calls;
    private readonly PartitionedRateLimiter<HttpContext> _failures;

    public ApiRateLimiter(IOptions<ApiOptions> options)
    {
        _options = options.Value.RateLimit;
        var limiters = new List<PartitionedRateLimiter<HttpContext>>();
        if (_options.ProjectPermits > 0)
            limiters.Add(PartitionedRateLimiter.Create<HttpContext, string>(_ => Bucket("project", _options.ProjectPermits)));
        if (_options.ClientPermits > 0)
            limiters.Add(PartitionedRateLimiter.Create<HttpContext, string>(c => Bucket(ClientAddress.Key(c, _options.TrustedProxies), _options.ClientPermits)));
        _calls = limiters.Count == 0 ? NoLimit() : PartitionedRateLimiter.CreateChained([.. limiters]);
        _failures = _options.FailedAuthenticationPermits > 0
            ? PartitionedRateLimiter.Create<HttpContext, string>(c => Bucket(ClientAddress.Key(c, _options.TrustedProxies), _options.FailedAuthenticationPermits))
            : NoLimit();
    }

    /// <summary>Takes one permit for an authenticated call, or throws too_many_requests and sets Retry-After.</summary>
    public void Acquire(HttpContext context) => Take(_calls, context);

    /// <summary>
    /// Refuses a call whose credentials failed: unauthorized_credentials, or too_many_requests once its client address
    /// has used up its failure permits. Always throws.
    /// </summary>
    public void RefuseCredentials(HttpContext context)
    {
        Take(_failures, context);
        throw new SessionException(ErrorTypes.UnauthorizedCredentials);
    }

    private void Take(PartitionedRateLimiter<HttpContext> limiter, HttpContext context)
    {
        using var lease = limiter.AttemptAcquire(context);
        if (lease.IsAcquired) return;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : _options.Window;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        throw new SessionException(ErrorTypes.TooManyRequests);
    }

    private RateLimitPartition<string> Bucket(string key, int permits) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = permits,
            TokensPerPeriod = permits,
            ReplenishmentPeriod = _options.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static PartitionedRateLimiter<HttpContext> NoLimit() =>
        PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetNoLimiter("none"));

    public void Dispose()
    {
        _calls.Dispose();
        _failures.Dispose();
    }
}
