using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Api.Http;

/// <summary>
/// Limits migrate and authenticate per project and per client address with token buckets, in every host (it runs
/// inside <see cref="ApiHandler"/>, not as Server middleware). Limits are per instance: N instances allow N times as
/// much. The client address is the connection's; behind a proxy, configure forwarded headers in the host.
/// </summary>
public sealed class ApiRateLimiter : IDisposable
{
    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<HttpContext> _limiter;

    public ApiRateLimiter(IOptions<ApiOptions> options)
    {
        _options = options.Value.RateLimit;
        var limiters = new List<PartitionedRateLimiter<HttpContext>>();
        if (_options.ProjectPermits > 0)
            limiters.Add(PartitionedRateLimiter.Create<HttpContext, string>(_ => Bucket("project", _options.ProjectPermits)));
        if (_options.ClientPermits > 0)
            limiters.Add(PartitionedRateLimiter.Create<HttpContext, string>(c => Bucket(ClientKey(c), _options.ClientPermits)));
        _limiter = limiters.Count == 0
            ? PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetNoLimiter("none"))
            : PartitionedRateLimiter.CreateChained([.. limiters]);
    }

    /// <summary>Takes one permit, or throws too_many_requests and sets Retry-After.</summary>
    public void Acquire(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(context);
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

    private static string ClientKey(HttpContext c) => "client:" + (c.Connection.RemoteIpAddress ?? IPAddress.None);

    public void Dispose() => _limiter.Dispose();
}
