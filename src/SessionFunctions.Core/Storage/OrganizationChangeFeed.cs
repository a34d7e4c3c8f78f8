using Azure.Data.Tables;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// The <c>OrganizationChanges</c> table: one row per organization update, written before the update itself, partitioned
/// by the UTC minute it was written in (<c>yyyyMMddHHmm</c>), so an instance learns what changed in the last minutes
/// with one small range read, however many organizations there are. A row names the cache keys to evict (the
/// organization's id and the index rows of its names before the update: hashes, never the names themselves).
/// </summary>
public sealed class OrganizationChangeFeed(SessionTables tables, TimeProvider time)
{
    /// <summary>How far back a read of the feed looks; also how long rows matter (older partitions are pruned).</summary>
    internal static readonly TimeSpan Window = TimeSpan.FromMinutes(3);

    internal async Task AppendAsync(string organizationId, IEnumerable<string> nameRowKeys, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        await tables.OrganizationChanges.AddEntityAsync(new OrganizationChangeEntity
        {
            PartitionKey = Keys.ExpiryBucket(at),
            RowKey = $"{at.UtcTicks:D19}|{Guid.NewGuid():N}",
            At = at,
            OrganizationId = organizationId,
            Names = string.Join(' ', nameRowKeys),
        }, ct);
    }

    /// <summary>The changes written from <paramref name="since"/> on (one range read over a few minute partitions).</summary>
    internal async Task<List<OrganizationChangeEntity>> ReadAsync(DateTimeOffset since, CancellationToken ct)
    {
        var until = time.GetUtcNow() + TimeSpan.FromMinutes(1); // rows of a writer whose clock runs a little ahead
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {Keys.ExpiryBucket(since)} and PartitionKey le {Keys.ExpiryBucket(until)}");
        var changes = new List<OrganizationChangeEntity>();
        await foreach (var change in tables.OrganizationChanges.QueryAsync<OrganizationChangeEntity>(filter, cancellationToken: ct))
            changes.Add(change);
        return changes;
    }

    /// <summary>Deletes the partitions older than an hour (the sweep calls it); returns how many rows went.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {Keys.ExpiryBucket(time.GetUtcNow() - TimeSpan.FromHours(1))}");
        var old = new List<OrganizationChangeEntity>();
        await foreach (var change in tables.OrganizationChanges.QueryAsync<OrganizationChangeEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            old.Add(change);
        foreach (var partition in old.GroupBy(c => c.PartitionKey))
            await SessionStore.DeleteAllAsync(tables.OrganizationChanges, partition, ct);
        return old.Count;
    }
}
