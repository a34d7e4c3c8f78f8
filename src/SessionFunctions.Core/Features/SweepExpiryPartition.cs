using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// Sweeps one <see cref="SweepUnit"/> (one expiry shard's due minutes, or the rows under the earlier key schemes; see
/// <see cref="SweepPlanner"/>): a queue message's work on the Functions runtime, one parallel task of the Server's sweep.
/// <para>
/// It reads the unit's index rows (one range query, pages of 1,000, up to <see cref="RowsPerPass"/> a pass) and groups
/// them by the members-table partition they name; a shard's rows name only partitions of that shard, so each member
/// partition is visited once per pass, for all its due minutes. A visit reads, with one query per kind of row named
/// (sessions next to members, sessions of the first layout, Idempotency-Key records), the row-key range from the first
/// named row to the last, keys and expiries only (<c>$select</c>): every row in that range is scanned and counted
/// (<c>entities=</c>), not the whole partition. Rows there that have expired, named or not, are deleted conditionally on
/// the ETag they were read with, in transactions of up to 100, so a session extended after the read survives (its
/// delete fails and it is read again). A named row that has not expired was extended since it was indexed: it is
/// re-indexed at its new expiry and kept. A named row that is missing was revoked or swept already. Last, the pass's
/// index rows are deleted, in transactions of up to 100 per index partition.
/// </para>
/// Two sweeps of one unit at once, or of two units naming the same rows, only find each other's work done.
/// </summary>
public sealed class SweepExpiryPartition(SessionTables tables, SessionStore sessions, IOptions<SweepOptions> options, TimeProvider time, ILogger<SweepExpiryPartition> log)
{
    /// <summary>Index rows held in memory at once; a larger backlog is swept in several passes.</summary>
    internal const int RowsPerPass = 20_000;

    /// <summary>Reads of rows whose delete lost a race, before the sweep of a unit gives up for now.</summary>
    private const int MaxRounds = 6;

    public async Task<SweepReport> RunAsync(string message, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!SweepUnit.TryParse(message, Keys.ExpiryBucket(now), out var unit))
        {
            // A malformed message, or minutes that have not passed (a clock ahead of ours): nothing to do, nothing deleted.
            log.LogWarning("Sweep: ignored {Message}: not a due sweep unit.", message);
            return SweepReport.Empty;
        }

        var report = SweepReport.Empty;
        while (true)
        {
            var entries = await ReadIndexAsync(unit, ct);
            if (entries.Count == 0) return report;
            var groups = entries.GroupBy(e => e.Partition).ToList();
            var reports = new SweepReport[groups.Count];
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct };
            await Parallel.ForAsync(0, groups.Count, parallel,
                async (i, token) => reports[i] = await SweepMemberPartitionAsync(groups[i].Key, [.. groups[i]], now, token));
            await Parallel.ForEachAsync(entries.GroupBy(e => e.PartitionKey), parallel,
                async (indexPartition, token) => await SessionStore.DeleteAllAsync(tables.Expiry, indexPartition, token));
            report = SweepReport.Sum([report, .. reports, new SweepReport(entries.Count, 0, 0, 0)]);
            if (entries.Count < RowsPerPass) return report;
        }
    }

    private async Task<List<ExpiryEntity>> ReadIndexAsync(SweepUnit unit, CancellationToken ct)
    {
        var entries = new List<ExpiryEntity>();
        var select = new[] { "PartitionKey", "RowKey", nameof(ExpiryEntity.OrganizationId), nameof(ExpiryEntity.SessionPartition), nameof(ExpiryEntity.SessionRowKey) };
        await foreach (var page in tables.Expiry.QueryAsync<ExpiryEntity>(unit.Filter, maxPerPage: 1000, select: select, cancellationToken: ct).AsPages())
        {
            entries.AddRange(page.Values);
            if (entries.Count >= RowsPerPass) break;
        }
        return entries;
    }

    /// <summary>
    /// Sweeps one members-table partition's rows that <paramref name="due"/> names, and its other expired rows in the
    /// ranges read. Rows whose delete transaction failed (another sweep deleted, or someone extended, one of them
    /// meanwhile) are read again and the survivors deleted again, a few rounds, then one at a time.
    /// </summary>
    private async Task<SweepReport> SweepMemberPartitionAsync(string partition, List<ExpiryEntity> due, DateTimeOffset now, CancellationToken ct)
    {
        var named = due.DistinctBy(e => e.SessionRowKey).ToDictionary(e => e.SessionRowKey);
        var pending = named.Keys.ToHashSet();
        var deleted = new HashSet<string>();
        var extended = 0;
        for (var round = 0; pending.Count > 0; round++)
        {
            if (round == MaxRounds) // rows that keep changing: keep the index rows (the sweep fails) and try again later
                throw new InvalidOperationException($"Sweep: {pending.Count} rows of one partition kept changing during the sweep.");
            var found = await ReadRangesAsync(partition, pending, ct);
            if (round > 0) found.RemoveAll(r => !pending.Contains(r.RowKey)); // a retry settles only the rows it retries
            foreach (var row in found.Where(r => r.ExpiresAt > now))
                if (named.TryGetValue(row.RowKey, out var entry))
                {
                    await sessions.IndexExpiryAsync(entry.OrganizationId, partition, row.RowKey, row.ExpiresAt, ct);
                    extended++;
                }
            pending = await DeleteAsync([.. found.Where(r => r.ExpiresAt <= now)], deleted, oneByOne: round >= 3, ct);
        }
        return new SweepReport(0, deleted.Count, extended, named.Count - extended - named.Keys.Count(deleted.Contains));
    }

    /// <summary>
    /// The expiring rows of <paramref name="partition"/> from the first to the last of <paramref name="rowKeys"/>, one
    /// range query for each kind of row among them (their prefix: <c>member|</c>, <c>session|</c>, <c>idem|</c>), so a
    /// range never spans the rows of another kind in between (members and email rows of the first layout).
    /// </summary>
    private async Task<List<ExpiringRow>> ReadRangesAsync(string partition, IEnumerable<string> rowKeys, CancellationToken ct)
    {
        var found = new List<ExpiringRow>();
        var scanned = 0;
        foreach (var kind in rowKeys.GroupBy(k => k[..(k.IndexOf('|') + 1)]))
        {
            var (first, last) = (kind.Min(StringComparer.Ordinal)!, kind.Max(StringComparer.Ordinal)!);
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {first} and RowKey le {last}");
            await foreach (var row in tables.Members.QueryAsync<ExpiringRow>(filter, select: ["PartitionKey", "RowKey", nameof(ExpiringRow.ExpiresAt)], cancellationToken: ct))
            {
                scanned++;
                if (Keys.IsExpiringRow(row.RowKey)) found.Add(row); // member rows have no expiry
            }
        }
        RequestCosts.AddEntitiesScanned(scanned);
        return found;
    }

    /// <summary>
    /// Deletes in transactions of up to 100 (one partition), each row conditional on its ETag; adds what went to
    /// <paramref name="deleted"/> and returns the keys of transactions that failed whole (some row changed or vanished since
    /// it was read), to be read again. <paramref name="oneByOne"/>: the last rounds, one conditional delete per row.
    /// </summary>
    private async Task<HashSet<string>> DeleteAsync(List<ExpiringRow> expired, HashSet<string> deleted, bool oneByOne, CancellationToken ct)
    {
        var failed = new HashSet<string>();
        foreach (var chunk in expired.Chunk(oneByOne ? 1 : 100))
        {
            try
            {
                if (oneByOne)
                {
                    if (await sessions.DeleteAsync(chunk[0], chunk[0].ETag, ct)) deleted.Add(chunk[0].RowKey);
                    else failed.Add(chunk[0].RowKey); // changed again or gone: the next read tells which
                    continue;
                }
                await tables.Members.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag)), ct);
                deleted.UnionWith(chunk.Select(r => r.RowKey));
            }
            catch (TableTransactionFailedException)
            {
                failed.UnionWith(chunk.Select(r => r.RowKey));
            }
        }
        return failed;
    }
}
