using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// Organizations this instance resolved, by id and by name index row, for <c>Sessions__OrganizationCacheDuration</c>
/// (an hour by default), at most <c>Sessions__OrganizationCacheSize</c> entries. Kept honest by the change feed: before
/// it answers from memory, an instance reads the feed if it has not for <c>Sessions__OrganizationChangePoll</c> (one
/// range read; the requests waiting meanwhile share it) and evicts every entry a change names that it read less than
/// <see cref="Margin"/> after that change was written (the update itself is written after its change row, and clocks
/// differ a little). So reads cost at most one feed read per poll interval plus one read per organization per cache
/// duration, however many organizations there are; an update shows on every instance within the poll interval.
/// Fail closed: while the feed cannot be read the cache is not used, and after a gap longer than the feed's window it
/// is emptied.
/// </summary>
public sealed class OrganizationCache(OrganizationChangeFeed feed, IOptions<SessionsOptions> options, TimeProvider time, ILogger<OrganizationCache> log) : IDisposable
{
    internal static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    private sealed record Entry(Organization Organization, DateTimeOffset ReadAt);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.OrganizationCacheSize, CompactionPercentage = 0.1 });
    private readonly TimeSpan _duration = options.Value.OrganizationCacheDuration, _poll = options.Value.OrganizationChangePoll;
    private readonly Lock _lock = new();
    private DateTimeOffset? _lastPoll;
    private Task? _polling;
    private long _feedRoundTrips;

    /// <summary>Table round trips this instance has spent reading the change feed (they count against no request).</summary>
    public long FeedRoundTrips => Interlocked.Read(ref _feedRoundTrips);

    /// <summary>The cached organization, if the cache may be trusted now (reading the feed first when it is due).</summary>
    public async ValueTask<Organization?> GetAsync(string key, CancellationToken ct)
    {
        if (_duration == TimeSpan.Zero || !await FreshAsync(ct)) return null;
        return _cache.TryGetValue(key, out Entry? entry) ? entry!.Organization : null;
    }

    /// <summary>Caches <paramref name="organization"/> under each key, as read from storage at <paramref name="readAt"/>.</summary>
    public void Set(IEnumerable<string> keys, Organization organization, DateTimeOffset readAt)
    {
        if (_duration == TimeSpan.Zero) return;
        var entry = new Entry(organization, readAt);
        foreach (var key in keys)
            _cache.Set(key, entry, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _duration });
    }

    public void Remove(IEnumerable<string> keys)
    {
        foreach (var key in keys) _cache.Remove(key);
    }

    private async ValueTask<bool> FreshAsync(CancellationToken ct)
    {
        Task polling;
        lock (_lock)
        {
            if (_lastPoll is { } last && time.GetUtcNow() - last < _poll) return true;
            if (_polling is null)
                using (ExecutionContext.SuppressFlow()) // a per-instance cost, not the cost of the request that happens to wait for it
                    _polling = Task.Run(PollAsync);
            polling = _polling;
        }
        try
        {
            await polling.WaitAsync(ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "The organization change feed could not be read; organizations are read from storage until it can.");
            return false;
        }
    }

    private async Task PollAsync()
    {
        var costs = Diagnostics.RequestCosts.Begin();
        try
        {
            var start = time.GetUtcNow();
            var since = start - OrganizationChangeFeed.Window;
            if (_lastPoll is not { } last || last < since + Margin)
                _cache.Clear(); // first read, or changes may have been missed: nothing cached before now is trusted
            foreach (var change in await feed.ReadAsync(since, CancellationToken.None))
                foreach (var key in OrganizationKeys.Of(change.OrganizationId, change.Names.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
                    if (_cache.TryGetValue(key, out Entry? entry) && entry!.ReadAt < change.At + Margin)
                        _cache.Remove(key);
            _lastPoll = start;
        }
        finally
        {
            Interlocked.Add(ref _feedRoundTrips, costs.TableRoundTrips);
            lock (_lock) _polling = null;
        }
    }

    public void Dispose() => _cache.Dispose();
}

/// <summary>The cache keys of an organization: its id, and the name index rows of its slug and external id.</summary>
internal static class OrganizationKeys
{
    public static string Id(string organizationId) => "id:" + organizationId;
    public static string Name(string nameRowKey) => "name:" + nameRowKey;

    public static IEnumerable<string> Of(string organizationId, IEnumerable<string> nameRowKeys) =>
        nameRowKeys.Select(Name).Prepend(Id(organizationId));
}
