using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// Sweeps one due expiry index partition (one shard of one minute; see <see cref="SweepPlanner"/>): a queue message's
/// work on the Functions runtime, one parallel task of the Server's sweep.
/// <para>
/// It reads the partition's index rows and groups them by the session partition they name. Each session partition is
/// then read with one query, not one point read per session: the rows the index names (<c>RowKey eq …</c>, up to
/// <see cref="KeysPerQuery"/> a query, the filter limit being 15 comparisons) and, when two or more are due, every
/// row of that partition that has expired (<c>ExpiresAt le now</c>: sessions of either layout, Idempotency-Key records;
/// the service reads the whole partition to answer it), whichever index partition lists it. A row that has expired is deleted, conditionally on the ETag it was read with, in transactions of
/// up to 100 per session partition, so a session extended after the read survives (its delete fails and it is
/// re-read). A named row that has not expired was extended since it was indexed: it is re-indexed at its new expiry and
/// kept. A named row that is missing was revoked or swept already. Last, the partition's index rows are deleted.
/// </para>
/// Two sweeps of one partition at once, or of two partitions naming the same sessions, only find each other's work done.
/// </summary>
public sealed class SweepExpiryPartition(SessionTables tables, SessionStore sessions, IOptions<SweepOptions> options, TimeProvider time, ILogger<SweepExpiryPartition> log)
{
    /// <summary>Row keys named in one query: 15 comparisons at most, less the partition and the expiry.</summary>
    internal const int KeysPerQuery = 13;

    /// <summary>Reads of rows whose delete lost a race, before the sweep of this expiry partition gives up for now.</summary>
    private const int MaxRounds = 6;

    public async Task<SweepReport> RunAsync(string expiryPartition, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!Keys.IsExpiryPartition(expiryPartition) || string.CompareOrdinal(expiryPartition, Keys.ExpiryBucket(now)) >= 0)
        {
            // A malformed message, or a minute that has not passed (a clock ahead of ours): nothing to do, nothing deleted.
            log.LogWarning("Sweep: ignored expiry partition {Partition}: not a due expiry index partition.", expiryPartition);
            return SweepReport.Empty;
        }

        var entries = new List<ExpiryEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {expiryPartition}");
        await foreach (var entry in tables.Expiry.QueryAsync<ExpiryEntity>(filter, maxPerPage: 1000, cancellationToken: ct))
            entries.Add(entry);

        var groups = entries.GroupBy(e => e.Partition).ToList();
        var reports = new SweepReport[groups.Count];
        await Parallel.ForAsync(0, groups.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct },
            async (i, token) => reports[i] = await SweepSessionPartitionAsync(groups[i].Key, [.. groups[i]], now, token));

        await SessionStore.DeleteAllAsync(tables.Expiry, entries, ct);
        return SweepReport.Sum(reports) with { Due = entries.Count };
    }

    /// <summary>
    /// Sweeps one session partition's rows that <paramref name="due"/> names (and, with the first query, all its expired
    /// sessions). Rows whose delete transaction failed (another sweep deleted or someone extended one of them meanwhile)
    /// are read again by key and the survivors deleted again, a few rounds, then one at a time.
    /// </summary>
    private async Task<SweepReport> SweepSessionPartitionAsync(string partition, List<ExpiryEntity> due, DateTimeOffset now, CancellationToken ct)
    {
        var named = due.DistinctBy(e => e.SessionRowKey).ToDictionary(e => e.SessionRowKey);
        var pending = named.Keys.ToHashSet();
        var deleted = new HashSet<string>();
        var extended = 0;
        for (var round = 0; pending.Count > 0; round++)
        {
            if (round == MaxRounds) // rows that keep changing: keep the index rows (the sweep fails) and try again later
                throw new InvalidOperationException($"Sweep: {pending.Count} rows of one partition kept changing during the sweep.");
            var found = await ReadAsync(partition, pending, now, expiredToo: round == 0 && named.Count > 1, ct);
            foreach (var row in found.Where(r => r.ExpiresAt > now))
                if (named.TryGetValue(row.RowKey, out var entry))
                {
                    await sessions.IndexExpiryAsync(entry.OrganizationId, partition, row.RowKey, row.ExpiresAt, ct);
                    extended++;
                }
            var failed = await DeleteAsync([.. found.Where(r => r.ExpiresAt <= now)], deleted, oneByOne: round >= 3, ct);
            pending = failed; // settled otherwise: deleted, extended, or missing (revoked or swept already)
        }
        return new SweepReport(0, deleted.Count, extended, named.Count - extended - named.Keys.Count(deleted.Contains));
    }

    /// <summary>The rows of <paramref name="partition"/> named by <paramref name="rowKeys"/> (and, optionally, its expired sessions).</summary>
    private async Task<List<ExpiringRow>> ReadAsync(string partition, IEnumerable<string> rowKeys, DateTimeOffset now, bool expiredToo, CancellationToken ct)
    {
        var found = new Dictionary<string, ExpiringRow>();
        foreach (var chunk in rowKeys.Chunk(KeysPerQuery))
        {
            await foreach (var row in tables.Members.QueryAsync<ExpiringRow>(Filter(partition, chunk, now, expiredToo), cancellationToken: ct))
                if (Keys.IsExpiringRow(row.RowKey)) found.TryAdd(row.RowKey, row);
            expiredToo = false;
        }
        return [.. found.Values];
    }

    /// <summary>
    /// <c>PartitionKey eq P and (RowKey eq k1 or … [or ExpiresAt le now])</c>. A single key is a point lookup; the
    /// expired rows are asked for once per partition, where that replaces two or more point reads.
    /// </summary>
    private static string Filter(string partition, IEnumerable<string> rowKeys, DateTimeOffset now, bool expiredToo)
    {
        var terms = rowKeys.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}")).ToList();
        if (expiredToo)
            terms.Add(TableClient.CreateQueryFilter($"ExpiresAt le {now}")); // rows without the property (members) never match
        return TableClient.CreateQueryFilter($"PartitionKey eq {partition}") + " and (" + string.Join(" or ", terms) + ")";
    }

    /// <summary>
    /// Deletes in transactions of up to 100 (one partition), each row conditional on its ETag; adds what went to
    /// <paramref name="deleted"/> and returns the keys of transactions that failed whole (some row changed or vanished since
    /// it was read), to be read again. <paramref name="oneByOne"/>: the last round, one conditional delete per row.
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
