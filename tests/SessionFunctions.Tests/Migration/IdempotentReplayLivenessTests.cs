using System.Net.Http.Json;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Migration;

/// <summary>
/// Issue 19.5: a replay never revives. A migrate repeated with its Idempotency-Key answers the first answer again only
/// while the session in it is live; once that session was revoked or expired, or its member deleted, the first answer
/// no longer stands and the request runs again as a fresh one would: the provider is asked again, and the answer is a
/// new session, or the error a fresh request gets. Never 200 with the dead session.
/// </summary>
public sealed class IdempotentReplayLivenessTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    private async Task<ApiCall> MigrateAsync(string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/b2b/sessions/migrate") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await ApiCall.ReadAsync(await server.Client.SendAsync(request));
    }

    private async Task<(string OrganizationId, string MemberId, object Body, string Key, ApiCall First)> MigratedAsync(int minutes = 60)
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"replay-{Guid.NewGuid():N}@example.com";
        var memberId = await server.NewMemberAsync(organizationId, email);
        var body = new { session_token = server.UserInfo.IssueToken(email), organization_id = organizationId, session_duration_minutes = minutes };
        var key = Guid.NewGuid().ToString();
        return (organizationId, memberId, body, key, (await MigrateAsync(key, body)).AssertOk());
    }

    private Task<ApiCall> AuthenticateAsync(string token) => server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = token });

    [Fact]
    public async Task A_replay_while_the_session_lives_is_the_first_answer_again()
    {
        var (_, _, body, key, first) = await MigratedAsync();
        var again = (await MigrateAsync(key, body)).AssertOk();
        Assert.Equal(first.Str("session_token"), again.Str("session_token"));
        Assert.Equal(0, again.Cost("userinfo"));
        Assert.Equal(0, again.Cost("signatures"));
    }

    [Fact]
    public async Task A_replay_after_the_session_was_revoked_runs_again_and_answers_a_new_session()
    {
        var (_, _, body, key, first) = await MigratedAsync();
        (await server.PostAsync("/v1/b2b/sessions/revoke", new { session_token = first.Str("session_token") })).AssertOk();

        var again = (await MigrateAsync(key, body)).AssertOk();

        Assert.NotEqual(first.Str("session_token"), again.Str("session_token"));
        Assert.NotEqual(first.Json.GetProperty("member_session").GetProperty("member_session_id").GetString(),
            again.Json.GetProperty("member_session").GetProperty("member_session_id").GetString());
        Assert.Equal(1, again.Cost("userinfo")); // the provider vouches again
        (await AuthenticateAsync(first.Str("session_token"))).AssertError(404, "session_not_found");
        (await AuthenticateAsync(again.Str("session_token"))).AssertOk();
        // And the new answer is the one a further retry gets.
        Assert.Equal(again.Str("session_token"), (await MigrateAsync(key, body)).AssertOk().Str("session_token"));
    }

    [Fact]
    public async Task A_replay_after_the_session_expired_runs_again_and_answers_a_new_session()
    {
        var (_, _, body, key, first) = await MigratedAsync(minutes: 5);
        server.Clock!.Advance(TimeSpan.FromMinutes(6));

        var again = (await MigrateAsync(key, body)).AssertOk();

        Assert.NotEqual(first.Str("session_token"), again.Str("session_token"));
        (await AuthenticateAsync(again.Str("session_token"))).AssertOk();
    }

    [Fact]
    public async Task A_replay_after_the_member_was_deleted_gets_the_error_a_fresh_migrate_gets()
    {
        var (organizationId, memberId, body, key, first) = await MigratedAsync();
        (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertOk();

        (await MigrateAsync(key, body)).AssertError(404, "migrate_from_external_email_does_not_exist");
        (await AuthenticateAsync(first.Str("session_token"))).AssertError(404, "session_not_found");
        // Failures are not remembered: the same again.
        (await MigrateAsync(key, body)).AssertError(404, "migrate_from_external_email_does_not_exist");
    }
}
