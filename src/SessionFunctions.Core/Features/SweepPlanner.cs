using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// Plans a sweep: lists the <see cref="SweepUnit"/>s that have due expiry index rows, each one unit of work for
/// <see cref="SweepExpiryPartition"/> (a queue message on the Functions runtime, a parallel task in the Server): each
/// shard whose partitions hold rows of a minute that has passed (all its due minutes in one unit), and the rows still
/// under the earlier key schemes. It asks each of the 17 places for one row (one table request each, concurrently),
/// however many rows they hold. Planning also prunes the organization change feed (rows older than an hour: one query,
/// and a delete per 100 rows).
/// </summary>
public sealed class SweepPlanner(SessionTables tables, OrganizationChangeFeed organizationChanges, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> PlanAsync(CancellationToken ct)
    {
        await organizationChanges.PruneAsync(ct);
        var units = SweepUnit.All(Keys.ExpiryBucket(time.GetUtcNow())).ToList();
        var due = await Task.WhenAll(units.Select(unit => HasRowsAsync(unit, ct)));
        return [.. units.Where((_, i) => due[i]).Select(unit => unit.ToString())];
    }

    private async Task<bool> HasRowsAsync(SweepUnit unit, CancellationToken ct)
    {
        // A query across partitions may answer an empty page with a continuation: follow it until a row or the end.
        await foreach (var page in tables.Expiry.QueryAsync<ExpiryEntity>(unit.Filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct).AsPages())
            if (page.Values.Count > 0) return true;
        return false;
    }
}
