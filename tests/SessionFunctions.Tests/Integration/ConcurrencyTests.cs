using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

public sealed class ConcurrencyTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    [Fact]
    public async Task Many_concurrent_authentications_of_one_session_lose_no_update()
    {
        const int callers = 24;
        var (_, _, migrated) = await server.NewSessionAsync(durationMinutes: 5);
        var token = migrated.Str("session_token");
        var now = server.Clock!.GetUtcNow();

        var calls = await Task.WhenAll(Enumerable.Range(0, callers).Select(i => server.PostAsync("/v1/b2b/sessions/authenticate", new
        {
            session_token = token,
            session_duration_minutes = 10 + i,
            session_custom_claims = new Dictionary<string, object> { [$"caller_{i}"] = i },
        })));

        Assert.All(calls, c => c.AssertOk());
        var final = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = token })).AssertOk()
            .Json.GetProperty("member_session");
        var claims = final.GetProperty("custom_claims");
        for (var i = 0; i < callers; i++) Assert.Equal(i, claims.GetProperty($"caller_{i}").GetInt32());
        Assert.Equal(now.AddMinutes(10 + callers - 1).ToUnixTimeSeconds(), DateTimeOffset.Parse(final.GetProperty("expires_at").GetString()!).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_shorter_extension_does_not_cut_a_session_short()
    {
        var (_, _, migrated) = await server.NewSessionAsync(durationMinutes: 120);
        var call = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = migrated.Str("session_token"), session_duration_minutes = 5 })).AssertOk();
        Assert.Equal(migrated.Json.GetProperty("member_session").GetProperty("expires_at").GetString(), call.Json.GetProperty("member_session").GetProperty("expires_at").GetString());
    }

    [Fact]
    public async Task Concurrent_migrations_of_one_member_all_succeed_with_distinct_sessions()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, "busy@example.com", pending: true);

        var calls = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => server.MigrateAsync(organizationId, "busy@example.com")));

        Assert.All(calls, c => c.AssertOk());
        Assert.Equal(12, calls.Select(c => c.Json.GetProperty("member_session").GetProperty("member_session_id").GetString()).Distinct().Count());
        Assert.Equal(12, (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}")).AssertOk()
            .Json.GetProperty("member_sessions").GetArrayLength());
    }

    [Fact]
    public async Task A_member_deleted_while_it_is_being_migrated_keeps_no_session()
    {
        for (var round = 0; round < 10; round++)
        {
            var organizationId = await server.NewOrganizationAsync();
            var memberId = await server.NewMemberAsync(organizationId, "race@example.com");

            var migrations = Enumerable.Range(0, 6).Select(_ => server.MigrateAsync(organizationId, "race@example.com")).ToList();
            var deletion = server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}");
            var results = await Task.WhenAll(migrations.Append(deletion));

            results[^1].AssertOk();
            foreach (var m in results.Take(6).Where(r => r.Status == System.Net.HttpStatusCode.OK))
                (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = m.Str("session_token") })).AssertError(404, "session_not_found");
            Assert.All(results.Take(6).Where(r => r.Status != System.Net.HttpStatusCode.OK), r => r.AssertError(404, "migrate_from_external_email_does_not_exist"));
        }
    }
}
