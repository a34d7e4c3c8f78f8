using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>What one sweep did.</summary>
public sealed record SweepReport(int Due, int Deleted, int Extended, int AlreadyGone)
{
    public override string ToString() => $"due={Due} deleted={Deleted} extended={Extended} already_gone={AlreadyGone}";
}

/// <summary>
/// Removes expired sessions, and Idempotency-Key records past their 24 hours (indexed the same way). It reads only the expiry index partitions whose minute has passed (every shard of such a
/// minute, and rows written before sharding under the bare minute: see <see cref="Keys.ExpiryPartition"/>), so its
/// cost follows the number of sessions due, not the number stored. For each due entry it reads the session: one that was extended
/// is re-indexed at its new expiry and kept; one that expired is deleted conditionally on the ETag it was read with,
/// so a session extended in the meantime survives. Deletes go in per-partition transactions of up to 100. Two sweeps
/// running at once only find each other's work already done.
/// </summary>
public sealed class SweepExpiredSessions(SessionTables tables, SessionStore sessions, IOptions<SweepOptions> options, TimeProvider time, ILogger<SweepExpiredSessions> log)
{
    public async Task<SweepReport> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {Keys.ExpiryBucket(now)}");
        int due = 0, deleted = 0, extended = 0, gone = 0;
        await foreach (var page in tables.Expiry.QueryAsync<ExpiryEntity>(filter, maxPerPage: 1000, cancellationToken: ct).AsPages())
        {
            var entries = page.Values;
            due += entries.Count;
            var outcomes = new Outcome[entries.Count];
            var rows = new ExpiringRow?[entries.Count];
            await Parallel.ForAsync(0, entries.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct },
                async (i, token) => (outcomes[i], rows[i]) = await InspectAsync(entries[i], now, token));

            var expired = Enumerable.Range(0, entries.Count).Where(i => outcomes[i] == Outcome.Expired).Select(i => rows[i]!).ToList();
            var deletedNow = await DeleteExpiredAsync(expired, ct);
            deleted += deletedNow;
            extended += outcomes.Count(o => o == Outcome.Extended);
            gone += outcomes.Count(o => o == Outcome.Gone) + expired.Count - deletedNow;
            foreach (var bucket in entries.GroupBy(e => e.PartitionKey))
                await SessionStore.DeleteAllAsync(tables.Expiry, bucket, ct);
        }
        var report = new SweepReport(due, deleted, extended, gone);
        Telemetry.SweepDeleted.Add(deleted);
        log.LogInformation("Sweep finished: {Report}.", report);
        return report;
    }

    private enum Outcome { Gone, Extended, Expired }

    private async Task<(Outcome, ExpiringRow?)> InspectAsync(ExpiryEntity entry, DateTimeOffset now, CancellationToken ct)
    {
        var row = await sessions.GetExpiringAsync(entry.Partition, entry.SessionRowKey, ct);
        if (row is null) return (Outcome.Gone, null);
        if (row.ExpiresAt <= now) return (Outcome.Expired, row);
        await sessions.IndexExpiryAsync(entry.OrganizationId, entry.Partition, entry.SessionRowKey, row.ExpiresAt, ct);
        return (Outcome.Extended, row);
    }

    /// <summary>Deletes in transactions per organization, each row conditional on its ETag. Returns how many went.</summary>
    private async Task<int> DeleteExpiredAsync(List<ExpiringRow> expired, CancellationToken ct)
    {
        var count = 0;
        foreach (var chunk in expired.GroupBy(r => r.PartitionKey).SelectMany(g => g.Chunk(100)))
        {
            try
            {
                await tables.Members.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag)), ct);
                count += chunk.Length;
            }
            catch (TableTransactionFailedException)
            {
                // Some row changed or vanished since it was read: the transaction failed whole. Go one by one, and
                // re-index any session that was extended meanwhile so its new expiry is not forgotten.
                foreach (var row in chunk)
                {
                    if (await sessions.DeleteAsync(row, row.ETag, ct)) { count++; continue; }
                    if (await sessions.GetExpiringAsync(row.PartitionKey, row.RowKey, ct) is { } current)
                        await sessions.IndexExpiryAsync(MemberPartition.OrganizationOf(current.PartitionKey), current.PartitionKey, current.RowKey, current.ExpiresAt, ct);
                }
            }
        }
        return count;
    }
}
