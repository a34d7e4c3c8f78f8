using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

public sealed class ListAndRevokeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private Task<ApiCall> RevokeAsync(object body) => server.PostAsync("/v1/b2b/sessions/revoke", body);
    private Task<ApiCall> AuthenticateAsync(object body) => server.PostAsync("/v1/b2b/sessions/authenticate", body);

    private async Task<(string OrganizationId, string MemberId, string Email)> MemberAsync(string? externalId = null)
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"u-{Guid.NewGuid():N}@example.com";
        return (organizationId, await server.NewMemberAsync(organizationId, email, externalId: externalId), email);
    }

    private async Task<List<string>> ListAsync(string organizationId, string memberId) =>
        [.. (await server.GetAsync($"/v1/b2b/sessions?organization_id={Uri.EscapeDataString(organizationId)}&member_id={Uri.EscapeDataString(memberId)}"))
            .AssertOk().Json.GetProperty("member_sessions").EnumerateArray().Select(s => s.GetProperty("member_session_id").GetString()!)];

    [Fact]
    public async Task Listing_shows_the_members_active_sessions_and_no_one_elses()
    {
        var (organizationId, memberId, email) = await MemberAsync("hr-" + Guid.NewGuid().ToString("N")[..6]);
        var first = (await server.MigrateAsync(organizationId, email)).AssertOk();
        var second = (await server.MigrateAsync(organizationId, email)).AssertOk();
        var other = await server.NewMemberAsync(organizationId, "other@example.com");
        (await server.MigrateAsync(organizationId, "other@example.com")).AssertOk();

        var listed = await ListAsync(organizationId, memberId);

        Assert.Equal(new[] { first, second }.Select(c => c.Json.GetProperty("member_session").GetProperty("member_session_id").GetString()).Order(), listed.Order());
        Assert.Single(await ListAsync(organizationId, other));
    }

    [Fact]
    public async Task Listing_accepts_the_members_external_id_and_the_organizations_slug()
    {
        var slug = "s-" + Guid.NewGuid().ToString("N")[..10];
        var organizationId = await server.NewOrganizationAsync(slug);
        await server.NewMemberAsync(organizationId, "ext@example.com", externalId: "emp-1");
        (await server.MigrateAsync(organizationId, "ext@example.com")).AssertOk();

        Assert.Single(await ListAsync(slug, "emp-1"));
    }

    [Fact]
    public async Task Listing_needs_both_parameters_and_a_known_member()
    {
        var (organizationId, _, _) = await MemberAsync();
        (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}")).AssertError(400, "invalid_argument");
        (await server.GetAsync("/v1/b2b/sessions?member_id=x")).AssertError(400, "invalid_argument");
        (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id=nobody")).AssertError(404, "member_not_found");
    }

    [Fact]
    public async Task Revoking_by_session_id_ends_that_session_only()
    {
        var (organizationId, memberId, email) = await MemberAsync();
        var kept = (await server.MigrateAsync(organizationId, email)).AssertOk();
        var revoked = (await server.MigrateAsync(organizationId, email)).AssertOk();

        (await RevokeAsync(new { member_session_id = revoked.Json.GetProperty("member_session").GetProperty("member_session_id").GetString() })).AssertOk();

        (await AuthenticateAsync(new { session_token = revoked.Str("session_token") })).AssertError(404, "session_not_found");
        (await AuthenticateAsync(new { session_token = kept.Str("session_token") })).AssertOk();
        Assert.Single(await ListAsync(organizationId, memberId));
    }

    [Fact]
    public async Task Revocation_is_immediate_even_for_a_jwt_that_has_not_expired()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var jwt = migrated.Str("session_jwt");
        await Jwts.VerifyAgainstJwksAsync(server, jwt); // still valid for local verifiers

        (await RevokeAsync(new { session_token = migrated.Str("session_token") })).AssertOk();

        (await AuthenticateAsync(new { session_jwt = jwt })).AssertError(404, "session_not_found");
    }

    [Fact]
    public async Task Revoking_by_jwt_works()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        (await RevokeAsync(new { session_jwt = migrated.Str("session_jwt") })).AssertOk();
        (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertError(404, "session_not_found");
    }

    [Fact]
    public async Task Revoking_by_member_ends_all_of_its_sessions()
    {
        var (organizationId, memberId, email) = await MemberAsync();
        var sessions = new List<ApiCall>();
        for (var i = 0; i < 3; i++) sessions.Add((await server.MigrateAsync(organizationId, email)).AssertOk());

        (await RevokeAsync(new { member_id = memberId })).AssertOk();

        foreach (var s in sessions) (await AuthenticateAsync(new { session_token = s.Str("session_token") })).AssertError(404, "session_not_found");
        Assert.Empty(await ListAsync(organizationId, memberId));
    }

    [Fact]
    public async Task Revoke_needs_exactly_one_argument_and_something_to_revoke()
    {
        var (_, memberId, migrated) = await server.NewSessionAsync();
        (await RevokeAsync(new { })).AssertError(400, "no_session_revoke_arguments");
        (await RevokeAsync(new { member_id = memberId, session_token = migrated.Str("session_token") })).AssertError(400, "too_many_session_revoke_arguments");
        (await RevokeAsync(new { member_session_id = "member-session-test-nothing" })).AssertError(404, "session_not_found");
        (await RevokeAsync(new { member_id = "member-test-nobody" })).AssertError(404, "member_not_found");
        (await RevokeAsync(new { session_token = migrated.Str("session_token") })).AssertOk();
        (await RevokeAsync(new { session_token = migrated.Str("session_token") })).AssertError(404, "session_not_found");
    }

    [Fact]
    public async Task Deleting_a_member_revokes_its_sessions()
    {
        var (organizationId, memberId, email) = await MemberAsync();
        var session = (await server.MigrateAsync(organizationId, email)).AssertOk();

        (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertOk();

        (await AuthenticateAsync(new { session_token = session.Str("session_token") })).AssertError(404, "session_not_found");
        (await AuthenticateAsync(new { session_jwt = session.Str("session_jwt") })).AssertError(404, "session_not_found");
    }
}
