using System.Diagnostics;
using Azure.Data.Tables;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Storage;
using SessionFunctions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SessionFunctions.Tests.Integration;

/// <summary>
/// The sweep at scale, on Azurite: 100 expired sessions in each of many organizations, due over ten minutes, beside
/// sessions that live on and sessions that were extended after they were indexed. In the current layout each session
/// belongs to its own member, spread over the organization's 32 member partitions (about 3 expired sessions per
/// partition, each due in a different minute: what makes per-partition batches small unless the sweep coalesces the
/// minutes). Rows are seeded with batch writes straight to the tables (member rows too, so the entities a read scans
/// are real); the sweep is the service's own, counted with the table round-trip counter. The suite runs 50
/// organizations (5,000 expired sessions: the ratio depends on sessions per partition, not on how many organizations
/// there are); <c>SESSIONFUNCTIONS_SWEEP_ORGANIZATIONS=1000</c> runs the issue's 100,000 in 1,000 (bench/README.md §3b).
/// The first layout (sessions in the organization's partition, index rows under the earlier minute-first keys) is
/// swept too, with a fifth of the organizations.
/// </summary>
public sealed class SweepScaleTests(FakeClockServerFixture server, ITestOutputHelper output) : IClassFixture<FakeClockServerFixture>
{
    private const int ExpiredPerOrganization = 100, LivePerOrganization = 3, ExtendedPerOrganization = 2;
    private static readonly int Organizations =
        int.TryParse(Environment.GetEnvironmentVariable("SESSIONFUNCTIONS_SWEEP_ORGANIZATIONS"), out var n) && n > 0 ? n : 50;

    [Fact]
    public Task Expired_sessions_next_to_their_members_in_many_organizations_cost_at_most_1_2_table_requests_each() =>
        SweepAtScaleAsync(Organizations, firstLayout: false);

    [Fact]
    public Task Expired_sessions_of_the_first_layout_under_minute_first_index_keys_are_swept_as_cheaply() =>
        SweepAtScaleAsync(Math.Max(10, Organizations / 5), firstLayout: true);

    private async Task SweepAtScaleAsync(int organizations, bool firstLayout)
    {
        var now = server.Clock!.GetUtcNow();
        var seeding = Stopwatch.StartNew();
        var (members, expiry) = Tables();
        var random = new Random(18);
        var rows = new List<ITableEntity>();
        var index = new List<ExpiryEntity>();
        var survivors = new HashSet<string>();
        for (var o = 0; o < organizations; o++)
        {
            var organizationId = $"organization-test-{Guid.NewGuid()}";
            for (var s = 0; s < ExpiredPerOrganization + LivePerOrganization + ExtendedPerOrganization; s++)
            {
                var memberKey = firstLayout ? Guid.NewGuid() : MemberPartition.NewShardedKey((byte)random.Next(MemberPartition.DefaultShards));
                var partition = MemberPartition.Of(organizationId, memberKey);
                var row = firstLayout ? Keys.Session(Guid.NewGuid()) : Keys.MemberSession(memberKey, Guid.NewGuid());
                var live = s >= ExpiredPerOrganization && s < ExpiredPerOrganization + LivePerOrganization;
                var indexedAt = now.AddSeconds(live ? 7200 : random.Next(600));
                var expiresAt = s < ExpiredPerOrganization ? indexedAt : now.AddHours(2).AddSeconds(random.Next(600));
                if (s >= ExpiredPerOrganization) survivors.Add($"{partition}/{row}");
                var memberId = $"member-test-{memberKey:N}";
                rows.Add(new MemberEntity { PartitionKey = partition, RowKey = Keys.Member(memberKey), MemberId = memberId, Status = "active" });
                rows.Add(new SessionEntity { PartitionKey = partition, RowKey = row, MemberId = memberId, ExpiresAt = expiresAt, StartedAt = now, LastAccessedAt = now, TokenHash = new byte[32] });
                var entry = SessionStore.ExpiryRow(organizationId, partition, row, indexedAt);
                if (firstLayout) // as the first layout wrote it: the minute, then a shard taken from the session key; no partition named
                    (entry.PartitionKey, entry.SessionPartition) = (Keys.ExpiryBucket(indexedAt) + "-" + row[^1], "");
                index.Add(entry);
            }
        }
        await WriteAsync(members, rows);
        await WriteAsync(expiry, index);
        output.WriteLine($"seeded {rows.Count} member and session rows and {index.Count} index rows in {seeding.Elapsed.TotalSeconds:F0} s");

        server.Clock.Advance(TimeSpan.FromMinutes(12));
        var sweeping = Stopwatch.StartNew();
        var costs = RequestCosts.Begin();
        var report = await server.Service<SweepExpiredSessions>().RunAsync(CancellationToken.None);
        var requests = costs.TableRoundTrips;
        var expired = organizations * ExpiredPerOrganization;
        output.WriteLine($"{(firstLayout ? "first layout" : "sessions next to members")}, {organizations} organizations: sweep {report}; " +
            $"{requests} table requests, {(double)requests / expired:F3} per expired session; {costs.EntitiesScanned} entities scanned " +
            $"({(double)costs.EntitiesScanned / expired:F2} per expired session); {sweeping.Elapsed.TotalSeconds:F0} s");

        Assert.Equal(expired, report.Deleted);
        Assert.Equal(organizations * ExtendedPerOrganization, report.Extended);
        Assert.InRange((double)requests / expired, 0, 1.2);
        Assert.True(survivors.SetEquals(await SessionsLeftAsync(members)), "expected exactly the live and extended sessions to be left");

        // The extended sessions were re-indexed at their new expiry: a sweep after it deletes them, and nothing is left.
        server.Clock.Advance(TimeSpan.FromHours(3));
        var later = await server.Service<SweepExpiredSessions>().RunAsync(CancellationToken.None);
        Assert.Equal(survivors.Count, later.Deleted);
        Assert.Empty(await SessionsLeftAsync(members));
        Assert.DoesNotContain(await server.AllRowsAsync(), r => r.StartsWith("SessionExpiry/", StringComparison.Ordinal));
    }

    private static async Task<HashSet<string>> SessionsLeftAsync(TableClient members)
    {
        var left = new HashSet<string>();
        await foreach (var e in members.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            if (Keys.IsExpiringRow(e.RowKey)) left.Add($"{e.PartitionKey}/{e.RowKey}");
        return left;
    }

    private (TableClient Members, TableClient Expiry) Tables()
    {
        var service = new TableServiceClient(TestStorage.ConnectionString);
        return (service.GetTableClient(server.TablePrefix + "Members"), service.GetTableClient(server.TablePrefix + "SessionExpiry"));
    }

    /// <summary>Inserts rows in transactions of 100 per partition, 16 at a time (the seeding is not counted).</summary>
    private static async Task WriteAsync(TableClient table, IEnumerable<ITableEntity> rows)
    {
        var batches = rows.DistinctBy(r => (r.PartitionKey, r.RowKey)).GroupBy(r => r.PartitionKey).SelectMany(g => g.Chunk(100)).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (batch, ct) =>
            await table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), ct));
    }
}
