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
    public async Task The_index_of_one_minute_spreads_over_shards_by_member_partition_and_the_sweep_reads_every_shard()
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
        // Each row is indexed under the shard of its session's members-table partition, so one partition's rows share one.
        Assert.All(index, r => Assert.Equal("s" + Core.Storage.Keys.ExpiryShard(Partition(sessions.Single(s => r.EndsWith(Row(s))))) + "-", r.Split('/')[1][..3]));
        Assert.InRange(partitions.Count, 4, Core.Storage.Keys.ExpiryShards); // 24 members in some 17 of 32 partitions land in 4+ of 16 shards
        Assert.Single(partitions.Select(p => p.Split('-')[1]).Distinct());    // all in the same minute

        server.Clock!.Advance(TimeSpan.FromMinutes(9));
        var report = await SweepAsync();

        Assert.True(report.Deleted >= 24, report.ToString());
        Assert.DoesNotContain(await server.AllRowsAsync(), r => sessions.Any(s => r.EndsWith(Row(s))));
    }

    /// <summary>Index rows of the earlier key schemes: the bare minute (before sharding), the minute and a digit of the session key.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Index_rows_under_the_earlier_minute_first_keys_are_still_swept(bool shardOfSessionKey)
    {
        var (organizationId, _, session) = await server.NewSessionAsync(durationMinutes: 5);
        var row = Row(session);
        // Move the index row to the key an earlier deployment wrote.
        var expiry = server.Service<Core.Storage.SessionTables>().Expiry;
        var expiresAt = DateTimeOffset.Parse(session.Json.GetProperty("member_session").GetProperty("expires_at").GetString()!);
        var current = Core.Storage.SessionStore.ExpiryRow(organizationId, Partition(session), row, expiresAt);
        await expiry.DeleteEntityAsync(current.PartitionKey, current.RowKey);
        var earlier = Core.Storage.SessionStore.ExpiryRow(organizationId, Partition(session), row, expiresAt);
        earlier.PartitionKey = Core.Storage.Keys.ExpiryBucket(expiresAt) + (shardOfSessionKey ? "-" + row[^1] : "");
        await expiry.AddEntityAsync(earlier);
        Assert.Contains(await server.AllRowsAsync(), r => r == $"SessionExpiry/{earlier.PartitionKey}/{earlier.RowKey}");
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
public sealed class SweepCostTests(SweepCostTests.OnePartitionAtATime server) : IClassFixture<SweepCostTests.OnePartitionAtATime>
{
    /// <summary>
    /// Units swept one after the other: two at once may both find a partition's expired sessions, and the one whose
    /// delete loses re-reads them (a request more), which would make the counts below vary from run to run. Counts the
    /// requests sent to the Members table.
    /// </summary>
    public sealed class OnePartitionAtATime : ServerFixture
    {
        protected override bool UseFakeClock => true;
        public int MembersRequests;
        protected override void Configure(IDictionary<string, string?> settings) => settings["Sweep:Partitions"] = "1";
        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton(new Core.Storage.TablePipelinePolicy(new TableRequests(TablePrefix + "Members", () => Interlocked.Increment(ref MembersRequests))));
    }

    /// <summary>
    /// A sweep's result, its table round trips, and what it may cost: the due rows of a shard are one unit, and each
    /// due index partition and each members-table partition a unit names has a fixed cost (see <see cref="Bound"/>).
    /// </summary>
    private async Task<(SweepReport Report, int RoundTrips, int Bound)> MeasuredSweepAsync()
    {
        var due = Core.Storage.Keys.ExpiryBucket(server.Clock!.GetUtcNow());
        var dueRows = (await server.AllRowsAsync()).Where(r => r.StartsWith("SessionExpiry/"))
            .Select(r => r.Split('/')).Where(r => string.CompareOrdinal(Minute(r[1]), due) < 0).ToList();
        var partitions = dueRows.Select(r => r[1]).Distinct().Count();
        var units = dueRows.Select(r => Unit(r[1])).Distinct().Count();
        // A sharded organization's sessions lie in the partitions of their members: a unit reads (and deletes from) each
        // members-table partition it names once, so that part varies with how the members fell.
        var groups = dueRows.Select(r => (Unit(r[1]), r[2].Split('|'))).Select(g => (g.Item1, Core.Storage.MemberPartition.Of(g.Item2[0], Guid.ParseExact(g.Item2[2], "N")))).Distinct().Count();
        var costs = RequestCosts.Begin();
        var report = await server.Service<SweepExpiredSessions>().RunAsync(CancellationToken.None);
        Assert.InRange(partitions, 1, report.Due);
        return (report, costs.TableRoundTrips, Bound(units, partitions, groups));
    }

    private static string Minute(string indexPartition) => indexPartition.StartsWith('s') ? indexPartition[3..] : indexPartition[..12];
    private static string Unit(string indexPartition) => indexPartition.StartsWith('s') ? indexPartition[..2] : "earlier";

    /// <summary>
    /// What a sweep may cost, whatever else is stored: pruning the organization change feed and the plan (1 + 17); per
    /// unit the read of its index rows (1); per due index partition a page more at most and the delete of its rows (2);
    /// per members-table partition a unit names, one query and at most one delete transaction (2).
    /// </summary>
    private static int Bound(int units, int partitions, int groups) => 18 + units + 2 * partitions + 2 * groups;

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
    public async Task Round_trips_follow_the_due_index_partitions_not_the_stored_or_expired_sessions()
    {
        var organizationId = await server.NewOrganizationAsync();
        await AddSessionsAsync(organizationId, 20, minutes: 600);
        await AddSessionsAsync(organizationId, 5, minutes: 5);
        server.Clock!.Advance(TimeSpan.FromMinutes(10));
        var (fewStored, fewStoredTrips, fewStoredBound) = await MeasuredSweepAsync();

        await AddSessionsAsync(organizationId, 100, minutes: 600); // five times as many live sessions
        await AddSessionsAsync(organizationId, 5, minutes: 5);
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var (manyStored, manyStoredTrips, manyStoredBound) = await MeasuredSweepAsync();

        await AddSessionsAsync(organizationId, 40, minutes: 5); // eight times as many expired
        server.Clock.Advance(TimeSpan.FromMinutes(10));
        var (manyExpired, manyExpiredTrips, manyExpiredBound) = await MeasuredSweepAsync();

        Assert.Equal((5, 5), (fewStored.Due, fewStored.Deleted));
        Assert.Equal((5, 5), (manyStored.Due, manyStored.Deleted));
        Assert.Equal((40, 40), (manyExpired.Due, manyExpired.Deleted));
        Assert.InRange(fewStoredTrips, 1, fewStoredBound);
        Assert.InRange(manyStoredTrips, 1, manyStoredBound);   // 120 live sessions cost nothing more than 20
        Assert.InRange(manyExpiredTrips, 1, manyExpiredBound); // never more than the partitions named
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

    [Fact]
    public async Task A_members_sessions_due_in_six_minutes_cost_its_partition_one_read_and_one_delete()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"minutes-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email);
        for (var minute = 0; minute < 6; minute++)
        {
            (await server.MigrateAsync(organizationId, email, durationMinutes: 5)).AssertOk();
            server.Clock!.Advance(TimeSpan.FromMinutes(1));
        }
        server.Clock!.Advance(TimeSpan.FromMinutes(10));
        Interlocked.Exchange(ref server.MembersRequests, 0);

        var report = await server.Service<SweepExpiredSessions>().RunAsync(CancellationToken.None);

        Assert.Equal((6, 6), (report.Due, report.Deleted));
        Assert.Equal(2, server.MembersRequests); // one range read of the member's partition, one delete transaction
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

/// <summary>A session extended after the sweep read it, before its delete transaction, survives.</summary>
public sealed class SweepRaceTests(SweepRaceTests.WithHook server) : IClassFixture<SweepRaceTests.WithHook>
{
    /// <summary>A fake clock, and a hook that runs once before the next $batch sent to the Members table.</summary>
    public sealed class WithHook : ServerFixture
    {
        protected override bool UseFakeClock => true;
        public Func<Task>? BeforeNextMembersBatch { get; set; }

        /// <summary>One request at a time, so no other delete overtakes the one the hook holds back.</summary>
        protected override void Configure(IDictionary<string, string?> settings)
        {
            settings["Sweep:Partitions"] = "1";
            settings["Sweep:Parallelism"] = "1";
        }

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton(new Core.Storage.TablePipelinePolicy(new Hook(this)));

        private sealed class Hook(WithHook fixture) : Azure.Core.Pipeline.HttpPipelinePolicy
        {
            public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
                ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

            public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
            {
                if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && fixture.BeforeNextMembersBatch is { } hook
                    && message.Request.Content is { } content && TableRequests.Body(content).Contains(fixture.TablePrefix + "Members", StringComparison.Ordinal))
                {
                    fixture.BeforeNextMembersBatch = null;
                    await hook();
                }
                await ProcessNextAsync(message, pipeline);
            }
        }
    }

    [Fact]
    public async Task A_session_extended_between_the_sweeps_read_and_its_delete_is_kept_and_reindexed()
    {
        var organizationId = await server.NewOrganizationAsync();
        var sessions = new List<ApiCall>();
        for (var i = 0; i < 3; i++)
        {
            var email = $"race{i}-{Guid.NewGuid():N}@example.com";
            await server.NewMemberAsync(organizationId, email);
            sessions.Add((await server.MigrateAsync(organizationId, email, durationMinutes: 5)).AssertOk());
        }
        server.Clock!.Advance(TimeSpan.FromMinutes(7));
        var members = new Azure.Data.Tables.TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        var (partition, row) = (SessionRows.Partition(sessions[0]), SessionRows.RowKey(sessions[0]));
        server.BeforeNextMembersBatch = async () =>
        {
            // What a concurrent authenticate with session_duration_minutes does: a conditional replace with a later expiry.
            var session = (await members.GetEntityAsync<Azure.Data.Tables.TableEntity>(partition, row)).Value;
            session["ExpiresAt"] = server.Clock.GetUtcNow().AddMinutes(30);
            await members.UpdateEntityAsync(session, session.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
        };

        var report = await server.Service<SweepExpiredSessions>().RunAsync(CancellationToken.None);

        Assert.Null(server.BeforeNextMembersBatch); // the hook ran: the session changed after the sweep read it
        Assert.Equal(2, report.Deleted);
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = sessions[0].Str("session_token") })).AssertOk();
        foreach (var gone in sessions.Skip(1))
            (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = gone.Str("session_token") })).AssertError(404, "session_not_found");
        Assert.Contains(await server.AllRowsAsync(), r => r.StartsWith("SessionExpiry/" + Core.Storage.Keys.ExpiryPartition(server.Clock.GetUtcNow().AddMinutes(30), partition) + "/") && r.EndsWith(row));
    }
}

/// <summary>Counts the requests sent to one table (a $batch by the table its body names).</summary>
internal sealed class TableRequests(string table, Action count) : Azure.Core.Pipeline.HttpPipelinePolicy
{
    public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
    {
        if (Targets(message)) count();
        ProcessNext(message, pipeline);
    }

    public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
    {
        if (Targets(message)) count();
        await ProcessNextAsync(message, pipeline);
    }

    private bool Targets(Azure.Core.HttpMessage message) =>
        message.Request.Uri.Path.Contains("/" + table + "(", StringComparison.Ordinal)
        || message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && message.Request.Content is { } content && Body(content).Contains(table, StringComparison.Ordinal);

    internal static string Body(Azure.Core.RequestContent content)
    {
        using var stream = new MemoryStream();
        content.WriteTo(stream, CancellationToken.None);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
