using Microsoft.Extensions.DependencyInjection;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Features;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>The expiry sweep, driven by a fake clock. Each test class has its own tables, so counts are exact.</summary>
public sealed class SweepTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    private Task<SweepReport> SweepAsync() => server.Service<SweepExpiredSessions>().RunAsync(CancellationToken.None);

    private Task<ApiCall> AuthenticateAsync(ApiCall session, int? extendTo = null) =>
        server.PostAsync("/v1/b2b/sessions/authenticate", extendTo is { } m
            ? new { session_token = session.Str("session_token"), session_duration_minutes = m }
            : (object)new { session_token = session.Str("session_token") });

    private async Task<int> SessionRowsAsync() => (await server.AllRowsAsync()).Count(SessionRows.IsSessionRow);

    [Fact]
    public async Task Expired_sessions_go_live_and_extended_ones_stay()
    {
        var (_, _, expiring) = await server.NewSessionAsync(durationMinutes: 5);
        var (_, _, live) = await server.NewSessionAsync(durationMinutes: 60);
        var (_, _, extended) = await server.NewSessionAsync(durationMinutes: 5);
        server.Clock!.Advance(TimeSpan.FromMinutes(3));
        (await AuthenticateAsync(extended, extendTo: 30)).AssertOk();
        server.Clock.Advance(TimeSpan.FromMinutes(7)); // ten minutes in: two were indexed as due, one of them was extended
        var before = await SessionRowsAsync();

        var report = await SweepAsync();

        Assert.True(report.Deleted >= 1 && report.Extended >= 1, report.ToString());
        Assert.Equal(before - report.Deleted, await SessionRowsAsync());
        (await AuthenticateAsync(live)).AssertOk();
        (await AuthenticateAsync(extended)).AssertOk();
        (await AuthenticateAsync(expiring)).AssertError(404, "session_not_found");

        server.Clock.Advance(TimeSpan.FromMinutes(31)); // now the extended one is past its new expiry, which the sweep re-indexed
        await SweepAsync();
        (await AuthenticateAsync(live)).AssertOk();
        Assert.DoesNotContain(await server.AllRowsAsync(), r => r.Contains(Row(extended)));
    }

    [Fact]
    public async Task Revoked_sessions_leave_only_an_index_row_which_the_sweep_removes()
    {
        var (_, _, session) = await server.NewSessionAsync(durationMinutes: 5);
        (await server.PostAsync("/v1/b2b/sessions/revoke", new { session_token = session.Str("session_token") })).AssertOk();
        Assert.Contains(await server.AllRowsAsync(), r => r.StartsWith("SessionExpiry/") && r.EndsWith(Row(session)));
        server.Clock!.Advance(TimeSpan.FromMinutes(6));

        var report = await SweepAsync();

        Assert.True(report.AlreadyGone >= 1, report.ToString());
        Assert.DoesNotContain(await server.AllRowsAsync(), r => r.StartsWith("SessionExpiry/") && r.EndsWith(Row(session)));
    }

    [Fact]
    public async Task The_index_of_one_minute_spreads_over_shards_and_the_sweep_reads_every_shard()
    {
        var organizationId = await server.NewOrganizationAsync();
        var sessions = new List<ApiCall>();
        for (var i = 0; i < 24; i++)
        {
            var email = $"shard{i}-{Guid.NewGuid():N}@example.com";
            await server.NewMemberAsync(organizationId, email);
            sessions.Add((await server.MigrateAsync(organizationId, email, durationMinutes: 7)).AssertOk());
        }
        var index = (await server.AllRowsAsync()).Where(r => r.StartsWith("SessionExpiry/") && sessions.Any(s => r.EndsWith(Row(s)))).ToList();
        var partitions = index.Select(r => r.Split('/')[1]).Distinct().ToList();

        Assert.Equal(24, index.Count);
        Assert.All(index, r => Assert.EndsWith("-" + Row(sessions.Single(s => r.EndsWith(Row(s))))[^1], r.Split('/')[1]));
        Assert.InRange(partitions.Count, 4, Core.Storage.Keys.ExpiryShards); // 24 random keys land in 4+ of 16 shards
        Assert.Single(partitions.Select(p => p.Split('-')[0]).Distinct());    // all in the same minute

        server.Clock!.Advance(TimeSpan.FromMinutes(9));
        var report = await SweepAsync();

        Assert.True(report.Deleted >= 24, report.ToString());
        Assert.DoesNotContain(await server.AllRowsAsync(), r => sessions.Any(s => r.EndsWith(Row(s)) || r.EndsWith(Row(s))));
    }

    [Fact]
    public async Task Index_rows_written_before_sharding_under_the_bare_minute_are_still_swept()
    {
        var (organizationId, _, session) = await server.NewSessionAsync(durationMinutes: 5);
        var row = Row(session);
        // Move the index row to the unsharded naming an existing deployment wrote: partition = the minute alone.
        var expiry = server.Service<Core.Storage.SessionTables>().Expiry;
        var expiresAt = DateTimeOffset.Parse(session.Json.GetProperty("member_session").GetProperty("expires_at").GetString()!);
        var partition = Partition(session);
        var sharded = Core.Storage.SessionStore.ExpiryRow(organizationId, partition, row, expiresAt);
        await expiry.DeleteEntityAsync(sharded.PartitionKey, sharded.RowKey);
        var legacy = Core.Storage.SessionStore.ExpiryRow(organizationId, partition, row, expiresAt);
        legacy.PartitionKey = Core.Storage.Keys.ExpiryBucket(expiresAt);
        await expiry.AddEntityAsync(legacy);
        Assert.Contains(await server.AllRowsAsync(), r => r == $"SessionExpiry/{legacy.PartitionKey}/{legacy.RowKey}");
        server.Clock!.Advance(TimeSpan.FromMinutes(6));

        var report = await SweepAsync();

        Assert.True(report.Deleted >= 1, report.ToString());
        Assert.DoesNotContain(await server.AllRowsAsync(), r => r.EndsWith(row));
        (await AuthenticateAsync(session)).AssertError(404, "session_not_found");
    }

    [Fact]
    public async Task Index_rows_written_before_they_named_a_partition_find_their_session_in_the_organizations_partition()
    {
        var (organizationId, _, session) = await server.NewSessionAsync(durationMinutes: 5);
        var members = new Azure.Data.Tables.TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        var expiry = server.Service<Core.Storage.SessionTables>().Expiry;
        var expiresAt = DateTimeOffset.Parse(session.Json.GetProperty("member_session").GetProperty("expires_at").GetString()!);
        // A session of the first layout (row session|{key} in the organization's partition) and its index row as then written.
        var current = (await members.GetEntityAsync<Azure.Data.Tables.TableEntity>(Partition(session), Row(session))).Value;
        var firstLayout = "session|" + Row(session)[^32..];
        await members.AddEntityAsync(new Azure.Data.Tables.TableEntity(current) { PartitionKey = organizationId, RowKey = firstLayout });
        await members.DeleteEntityAsync(current.PartitionKey, current.RowKey);
        var index = Core.Storage.SessionStore.ExpiryRow(organizationId, organizationId, firstLayout, expiresAt);
        index.SessionPartition = "";
        await expiry.UpsertEntityAsync(index, Azure.Data.Tables.TableUpdateMode.Replace);
        server.Clock!.Advance(TimeSpan.FromMinutes(6));

        var report = await SweepAsync();

        Assert.True(report.Deleted >= 1, report.ToString());
        Assert.DoesNotContain(await server.AllRowsAsync(), r => r == $"Members/{organizationId}/{firstLayout}");
    }

    private static string Row(ApiCall session) => SessionRows.RowKey(session);
    private static string Partition(ApiCall session) => SessionRows.Partition(session);
}

/// <summary>Sweep cost follows the sessions that expired, not the sessions stored.</summary>
public sealed class SweepCostTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    /// <summary>
    /// A sweep's result and its table round trips, less one per due expiry index partition and one per members-table
    /// partition holding a due session: the index of a minute is
    /// spread over <see cref="Core.Storage.Keys.ExpiryShards"/> partitions by the random session keys, and the sweep
    /// deletes its index rows in one transaction per partition, so that part varies with how the keys fell.
    /// </summary>
    private async Task<(SweepReport Report, int RoundTrips)> MeasuredSweepAsync()
    {
        var due = Core.Storage.Keys.ExpiryBucket(server.Clock!.GetUtcNow());
        var dueRows = (await server.AllRowsAsync()).Where(r => r.StartsWith("SessionExpiry/"))
            .Select(r => r.Split('/')).Where(r => string.CompareOrdinal(r[1], due) < 0).ToList();
        var partitions = dueRows.Select(r => r[1]).Distinct().Count();
        // Expired sessions are deleted in one transaction per members-table partition, and a sharded organization's
        // sessions lie in the partitions of their members: that part, too, varies with how the keys fell.
        var sessionPartitions = dueRows.Select(r => r[2].Split('|')).Select(k => Core.Storage.MemberPartition.Of(k[0], Guid.ParseExact(k[2], "N"))).Distinct().Count();
        var costs = RequestCosts.Begin();
        var report = await server.Service<SweepExpiredSessions>().RunAsync(CancellationToken.None);
        Assert.InRange(partitions, 1, report.Due);
        return (report, costs.TableRoundTrips - partitions - sessionPartitions);
    }

    private async Task AddSessionsAsync(string organizationId, int count, int minutes)
    {
        for (var i = 0; i < count; i += 10)
            await Task.WhenAll(Enumerable.Range(i, Math.Min(10, count - i)).Select(async n =>
            {
                var email = $"m{n}-{Guid.NewGuid():N}@example.com";
                await server.NewMemberAsync(organizationId, email);
                (await server.MigrateAsync(organizationId, email, minutes)).AssertOk();
            }));
    }

    [Fact]
    public async Task Round_trips_grow_with_expired_sessions_not_with_stored_ones()
    {
        var organizationId = await server.NewOrganizationAsync();
        await AddSessionsAsync(organizationId, 20, minutes: 600);
        await AddSessionsAsync(organizationId, 5, minutes: 5);
        server.Clock!.Advance(TimeSpan.FromMinutes(10));
        var (fewStored, fewStoredTrips) = await MeasuredSweepAsync();

        await AddSessionsAsync(organizationId, 100, minutes: 600); // five times as many live sessions
        await AddSessionsAsync(organizationId, 5, minutes: 5);
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var (manyStored, manyStoredTrips) = await MeasuredSweepAsync();

        await AddSessionsAsync(organizationId, 40, minutes: 5); // eight times as many expired
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var (manyExpired, manyExpiredTrips) = await MeasuredSweepAsync();

        Assert.Equal((5, 5), (fewStored.Due, fewStored.Deleted));
        Assert.Equal((5, 5), (manyStored.Due, manyStored.Deleted));
        Assert.Equal((40, 40), (manyExpired.Due, manyExpired.Deleted));
        Assert.Equal(fewStoredTrips, manyStoredTrips);           // 120 live sessions cost the same as 20
        Assert.InRange(manyExpiredTrips, 40, 40 + 10);            // one read per expired session, plus the batches
        Assert.InRange(fewStoredTrips, 5, 5 + 10);
    }

    [Fact]
    public async Task Two_sweeps_at_once_delete_each_expired_session_once_and_nothing_else()
    {
        var organizationId = await server.NewOrganizationAsync();
        await AddSessionsAsync(organizationId, 30, minutes: 5);
        await AddSessionsAsync(organizationId, 10, minutes: 6000);
        server.Clock!.Advance(TimeSpan.FromMinutes(10));
        var sweep = server.Service<SweepExpiredSessions>();

        var reports = await Task.WhenAll(sweep.RunAsync(CancellationToken.None), sweep.RunAsync(CancellationToken.None));

        Assert.Equal(30, reports.Sum(r => r.Deleted));
        Assert.Equal(10, (await server.AllRowsAsync()).Count(r => SessionRows.IsSessionRow(r, organizationId)));
    }
}

/// <summary>The Server runs the sweep by itself on its NCRONTAB schedule.</summary>
public sealed class SweepTimerTests(SweepTimerTests.EveryTenSeconds server) : IClassFixture<SweepTimerTests.EveryTenSeconds>
{
    public sealed class EveryTenSeconds : ServerFixture
    {
        protected override bool UseFakeClock => true;
        protected override void Configure(IDictionary<string, string?> settings) => settings["Sweep:Schedule"] = "*/10 * * * * *";
    }

    [Fact]
    public async Task The_hosted_timer_sweeps_expired_sessions_on_schedule()
    {
        await server.NewSessionAsync(durationMinutes: 5);
        Assert.Single(await server.AllRowsAsync(), SessionRows.IsSessionRow);

        for (var i = 0; i < 50 && (await server.AllRowsAsync()).Any(SessionRows.IsSessionRow); i++)
        {
            server.Clock!.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(100);
        }

        Assert.DoesNotContain(await server.AllRowsAsync(), SessionRows.IsSessionRow);
        Assert.Contains(server.Logs.Lines, l => l.Contains("Sweep finished"));
    }
}

/// <summary>A failing sweep is logged and the timer keeps its schedule: nothing escapes it.</summary>
public sealed class FailingSweepTimerTests(FailingSweepTimerTests.WithoutTables server) : IClassFixture<FailingSweepTimerTests.WithoutTables>
{
    public sealed class WithoutTables : ServerFixture
    {
        protected override bool UseFakeClock => true;
        protected override void Configure(IDictionary<string, string?> settings)
        {
            settings["Sweep:Schedule"] = "*/10 * * * * *";
            settings["Storage:CreateTables"] = "false"; // the sweep's table does not exist, so every run fails
        }
    }

    [Fact]
    public async Task The_timer_logs_a_failed_sweep_and_runs_again_at_the_next_time()
    {
        static int Failures(ServerFixture s) => s.Logs.Lines.Count(l => l.Contains("The expiry sweep failed"));
        for (var i = 0; i < 50 && Failures(server) < 2; i++)
        {
            server.Clock!.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(100);
        }
        Assert.True(Failures(server) >= 2, "the timer did not run again after a failed sweep");
    }
}
