using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Threading.RateLimiting;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Core.UserInfo;

/// <summary>
/// What this instance may spend of each legacy provider's UserInfo budget. <c>MaxCallsPerSecond</c> is a token bucket
/// per provider and per instance (n instances may make n times as many calls): past it, migrate answers 429 with
/// <c>Retry-After</c> and calls nobody. When the provider itself answers 429, no call goes to it until its
/// <c>Retry-After</c> (or <see cref="DefaultBackoff"/>; at most <see cref="MaxBackoff"/>), and migrate answers 503 with
/// <c>Retry-After</c> meanwhile. Each refusal and each call sent is counted in <c>sessions.userinfo.calls</c> by outcome.
/// </summary>
public sealed class ProviderBudgets(TimeProvider time)
{
    public static readonly TimeSpan DefaultBackoff = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    public const string ThrottledMessage = "The legacy provider asked this service to slow down (HTTP 429); no call goes to it until the time in Retry-After.";

    private readonly ConcurrentDictionary<string, Budget> _budgets = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Takes one call from <paramref name="provider"/>'s budget, or throws the refusal (429 or 503, with Retry-After).</summary>
    public void Acquire(LegacyProvider provider)
    {
        var budget = _budgets.GetOrAdd(provider.Name, _ => new Budget(provider.MaxCallsPerSecond is { } n ? Bucket(n) : null));
        var wait = budget.OpenUntil - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            Count(provider, "provider_throttled");
            throw new SessionException(ErrorTypes.MigrateProviderUnavailable, ThrottledMessage) { RetryAfter = wait };
        }
        if (budget.Limiter is { } limiter)
        {
            using var lease = limiter.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                Count(provider, "over_budget");
                throw new SessionException(ErrorTypes.TooManyRequests,
                    "This service's budget of calls to the legacy provider is spent for now. Retry after the time in Retry-After.")
                {
                    RetryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1),
                };
            }
        }
        Count(provider, "sent");
    }

    /// <summary>The provider answered 429: stop calling it until its Retry-After. Returns how long that is.</summary>
    public TimeSpan Throttled(LegacyProvider provider, RetryConditionHeaderValue? retryAfter)
    {
        var now = time.GetUtcNow();
        var wait = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : DefaultBackoff);
        wait = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > MaxBackoff ? MaxBackoff : wait;
        var budget = _budgets.GetOrAdd(provider.Name, _ => new Budget(provider.MaxCallsPerSecond is { } n ? Bucket(n) : null));
        lock (budget) if (now + wait > budget.OpenUntil) budget.OpenUntil = now + wait;
        return wait;
    }

    private static void Count(LegacyProvider provider, string outcome) =>
        Telemetry.UserInfoCalls.Add(1, new KeyValuePair<string, object?>("provider", provider.Name), new KeyValuePair<string, object?>("outcome", outcome));

    private static TokenBucketRateLimiter Bucket(int perSecond) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = perSecond,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });

    private sealed class Budget(TokenBucketRateLimiter? limiter)
    {
        public TokenBucketRateLimiter? Limiter { get; } = limiter;
        public DateTimeOffset OpenUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
