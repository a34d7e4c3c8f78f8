using Azure.Data.Tables;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// Plans a sweep: lists the expiry index partitions that are due (every shard of every minute that has passed, and
/// rows written before sharding under the bare minute). Each is one unit of work for <see cref="SweepExpiryPartition"/>:
/// a queue message on the Functions runtime, a parallel task in the Server. It reads one row per due partition (a
/// "skip scan": the first row of the lowest due partition, then the first row past it, and so on), so planning costs
/// one table request per due partition, however many rows they hold. Planning also prunes the organization change
/// feed (rows older than an hour: one query, and a delete per 100 rows).
/// </summary>
public sealed class SweepPlanner(SessionTables tables, OrganizationChangeFeed organizationChanges, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> PlanAsync(CancellationToken ct)
    {
        await organizationChanges.PruneAsync(ct);
        var due = Keys.ExpiryBucket(time.GetUtcNow());
        var partitions = new List<string>();
        string? after = null;
        while (await FirstPartitionAsync(after, due, ct) is { } next)
        {
            partitions.Add(next);
            after = next;
        }
        return partitions;
    }

    private async Task<string?> FirstPartitionAsync(string? after, string before, CancellationToken ct)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey lt {before}")
            : TableClient.CreateQueryFilter($"PartitionKey gt {after} and PartitionKey lt {before}");
        // A query across partitions may answer an empty page with a continuation: follow it until a row or the end.
        await foreach (var page in tables.Expiry.QueryAsync<ExpiryEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: ct).AsPages())
            if (page.Values.Count > 0) return page.Values[0].PartitionKey;
        return null;
    }
}
