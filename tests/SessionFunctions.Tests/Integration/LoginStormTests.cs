using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>
/// Parallel logins of one member: no member-wide row is rewritten by every login, and a retry after a lost race does
/// not sign again, so 96 concurrent migrates (or exchanges) of one member all succeed with about one signature each.
/// </summary>
public sealed class LoginStormTests(LoginStormTests.PatientServer server) : IClassFixture<LoginStormTests.PatientServer>
{
    /// <summary>A provider timeout long enough for 96 UserInfo calls at once on a busy test machine.</summary>
    public sealed class PatientServer : ServerFixture
    {
        protected override void Configure(IDictionary<string, string?> settings) => settings["Sessions:UserInfoTimeout"] = "00:00:30";
    }

    private const int Logins = 96;
    private const int MostSignatures = Logins * 5 / 4;

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the first login activates the member: the others lose that race once and retry
    public async Task Ninety_six_concurrent_migrates_of_one_member_all_succeed_with_about_one_signature_each(bool pending)
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"storm-{Guid.NewGuid():N}@example.com";
        var memberId = await server.NewMemberAsync(organizationId, email, pending);

        var calls = await Task.WhenAll(Enumerable.Range(0, Logins).Select(_ => server.MigrateAsync(organizationId, email)));

        Assert.All(calls, c => c.AssertOk());
        var signatures = calls.Sum(c => c.Cost("signatures"));
        Assert.True(signatures <= MostSignatures, $"{Logins} logins signed {signatures} JWTs");
        Assert.Equal(Logins, calls.Select(c => c.Str("session_token")).Distinct().Count());
        var listed = (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}")).AssertOk();
        Assert.Equal(Logins, listed.Json.GetProperty("member_sessions").GetArrayLength());
        Assert.Equal("active", (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={memberId}")).AssertOk()
            .Json.GetProperty("member").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ninety_six_concurrent_exchanges_into_one_member_all_succeed_with_about_one_signature_each()
    {
        var email = $"storm-x-{Guid.NewGuid():N}@example.com";
        var (from, to) = (await server.NewOrganizationAsync(), await server.NewOrganizationAsync());
        await server.NewMemberAsync(from, email);
        var target = await server.NewMemberAsync(to, email, pending: true);
        var session = (await server.MigrateAsync(from, email)).AssertOk();

        var calls = await Task.WhenAll(Enumerable.Range(0, Logins).Select(_ =>
            server.PostAsync("/v1/b2b/sessions/exchange", new { organization_id = to, session_token = session.Str("session_token") })));

        Assert.All(calls, c => c.AssertOk());
        var signatures = calls.Sum(c => c.Cost("signatures"));
        Assert.True(signatures <= MostSignatures, $"{Logins} exchanges signed {signatures} JWTs");
        Assert.All(calls, c => Assert.Equal(target, c.Json.GetProperty("member").GetProperty("member_id").GetString()));
    }
}

/// <summary><c>Sessions__MaxSessionsPerMember</c>: a member holds at most that many sessions; a new one deletes the oldest.</summary>
public sealed class SessionCapTests(SessionCapTests.CappedServer server) : IClassFixture<SessionCapTests.CappedServer>
{
    public sealed class CappedServer : ServerFixture
    {
        protected override bool UseFakeClock => true;
        protected override void Configure(IDictionary<string, string?> settings) => settings["Sessions:MaxSessionsPerMember"] = "3";
    }

    [Fact]
    public async Task A_session_past_the_cap_deletes_the_oldest_in_the_same_transaction_and_the_list_stays_bounded()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"cap-{Guid.NewGuid():N}@example.com";
        var memberId = await server.NewMemberAsync(organizationId, email);
        var sessions = new List<ApiCall>();
        for (var i = 0; i < 5; i++)
        {
            sessions.Add((await server.MigrateAsync(organizationId, email)).AssertOk());
            server.Clock!.Advance(TimeSpan.FromSeconds(2)); // distinct start times
        }

        var listed = (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}")).AssertOk()
            .Json.GetProperty("member_sessions").EnumerateArray().Select(s => s.GetProperty("member_session_id").GetString()).ToList();
        Assert.Equal(sessions[2..].Select(Id), listed);
        foreach (var gone in sessions[..2])
            (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = gone.Str("session_token") })).AssertError(404, "session_not_found");
        foreach (var kept in sessions[2..])
            (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = kept.Str("session_token") })).AssertOk();
        Assert.Equal(3, (await server.AllRowsAsync()).Count(r => SessionRows.IsSessionRow(r, organizationId)));
        Assert.Equal(4, sessions[^1].Cost("tables")); // the cap costs no extra round trip: the eviction rides in the session's transaction
    }

    [Fact]
    public async Task Expired_sessions_go_first_when_the_cap_is_reached()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"cap-x-{Guid.NewGuid():N}@example.com";
        var memberId = await server.NewMemberAsync(organizationId, email);
        var oldest = (await server.MigrateAsync(organizationId, email, durationMinutes: 600)).AssertOk();
        server.Clock!.Advance(TimeSpan.FromSeconds(2));
        var shortLived = (await server.MigrateAsync(organizationId, email, durationMinutes: 5)).AssertOk();
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        var third = (await server.MigrateAsync(organizationId, email, durationMinutes: 600)).AssertOk();
        server.Clock.Advance(TimeSpan.FromMinutes(6)); // the short one has expired, not yet swept

        var fourth = (await server.MigrateAsync(organizationId, email, durationMinutes: 600)).AssertOk();

        var listed = (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}")).AssertOk()
            .Json.GetProperty("member_sessions").EnumerateArray().Select(s => s.GetProperty("member_session_id").GetString()).ToList();
        Assert.Equal(new[] { oldest, third, fourth }.Select(Id), listed);
        Assert.DoesNotContain(await server.AllRowsAsync(), r => r.EndsWith(SessionRows.RowKey(shortLived), StringComparison.Ordinal) && r.StartsWith("Members/"));
    }

    private static string? Id(ApiCall session) => session.Json.GetProperty("member_session").GetProperty("member_session_id").GetString();
}
