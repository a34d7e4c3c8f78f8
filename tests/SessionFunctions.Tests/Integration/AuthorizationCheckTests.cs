using Azure.Data.Tables;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>
/// <c>authorization_check</c> on POST /v1/b2b/sessions/authenticate: allowed gives Stytch's <c>verdict</c>; refused gives
/// Stytch's 403 and leaves the session exactly as it was (not extended, claims not merged, row not rewritten).
/// </summary>
public sealed class AuthorizationCheckTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(string OrganizationId, ApiCall Session)> SessionWithRolesAsync(params string[] roles)
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"a-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email, roles: roles);
        return (organizationId, (await server.MigrateAsync(organizationId, email)).AssertOk());
    }

    private Task<ApiCall> AuthenticateAsync(ApiCall session, object check, int? duration = null, object? claims = null) =>
        server.PostAsync("/v1/b2b/sessions/authenticate", new Dictionary<string, object?>
        {
            ["session_token"] = session.Str("session_token"), ["authorization_check"] = check,
            ["session_duration_minutes"] = duration, ["session_custom_claims"] = claims,
        }.Where(p => p.Value is not null).ToDictionary());

    private async Task<TableEntity> SessionRowAsync(string organizationId, ApiCall session)
    {
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        return (await table.GetEntityAsync<TableEntity>(SessionRows.Partition(session), SessionRows.RowKey(session))).Value;
    }

    [Fact]
    public async Task An_allowed_check_answers_as_usual_with_the_verdict_and_the_roles_that_granted_it()
    {
        var (organizationId, session) = await SessionWithRolesAsync("editor", "viewer");

        var call = (await AuthenticateAsync(session, new { organization_id = organizationId, resource_id = "documents", action = "read" })).AssertOk();

        var verdict = call.Json.GetProperty("verdict");
        Assert.True(verdict.GetProperty("authorized").GetBoolean());
        Assert.Equal(["stytch_member", "editor", "viewer"], verdict.GetProperty("granting_roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(session.Json.GetProperty("member_session").GetProperty("member_session_id").GetString(),
            call.Json.GetProperty("member_session").GetProperty("member_session_id").GetString());

        var wildcard = (await AuthenticateAsync(session, new { organization_id = organizationId, resource_id = "images", action = "delete" })).AssertOk();
        Assert.Equal(["editor"], wildcard.Json.GetProperty("verdict").GetProperty("granting_roles").EnumerateArray().Select(r => r.GetString()));
        // Without a check there is no verdict.
        var plain = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertOk();
        Assert.False(plain.Json.TryGetProperty("verdict", out _));
    }

    [Fact]
    public async Task A_refused_check_is_a_403_and_neither_extends_nor_rewrites_the_session()
    {
        var (organizationId, session) = await SessionWithRolesAsync("viewer");
        var otherOrganizationId = await server.NewOrganizationAsync();
        var before = await SessionRowAsync(organizationId, session);

        (await AuthenticateAsync(session, new { organization_id = organizationId, resource_id = "invoices", action = "pay" }, duration: 600, claims: new { team = "x" }))
            .AssertError(403, "session_authorization_error");
        (await AuthenticateAsync(session, new { organization_id = otherOrganizationId, resource_id = "documents", action = "read" }, duration: 600))
            .AssertError(403, "session_authorization_tenancy_error");
        (await AuthenticateAsync(session, new { organization_id = organizationId, resource_id = "no-such-resource", action = "read" }))
            .AssertError(403, "session_authorization_error");

        var after = await SessionRowAsync(organizationId, session);
        Assert.Equal(before.ETag, after.ETag);
        var authenticated = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertOk();
        Assert.Equal(session.Json.GetProperty("member_session").GetProperty("expires_at").GetString(),
            authenticated.Json.GetProperty("member_session").GetProperty("expires_at").GetString());
        Assert.False(authenticated.Json.GetProperty("member_session").GetProperty("custom_claims").TryGetProperty("team", out _));
    }

    [Fact]
    public async Task A_check_of_a_session_that_does_not_exist_is_still_session_not_found()
    {
        var (organizationId, session) = await SessionWithRolesAsync();
        (await server.PostAsync("/v1/b2b/sessions/revoke", new { session_token = session.Str("session_token") })).AssertOk();

        (await AuthenticateAsync(session, new { organization_id = organizationId, resource_id = "documents", action = "read" })).AssertError(404, "session_not_found");
    }

    [Theory]
    [InlineData("organization_id")]
    [InlineData("resource_id")]
    [InlineData("action")]
    public async Task A_check_needs_all_three_fields(string missing)
    {
        var (organizationId, session) = await SessionWithRolesAsync();
        var check = new Dictionary<string, string> { ["organization_id"] = organizationId, ["resource_id"] = "documents", ["action"] = "read" };
        check.Remove(missing);

        var call = (await AuthenticateAsync(session, check)).AssertError(400, "invalid_argument");

        Assert.Contains("authorization_check." + missing, call.Str("error_message"));
    }

    [Fact]
    public async Task A_check_costs_no_table_call_beyond_authenticates_own_and_works_by_jwt_with_custom_roles()
    {
        var (organizationId, session) = await SessionWithRolesAsync();
        (await server.PutAsync($"/v1/b2b/rbac/organizations/{organizationId}", new
        {
            org_policy = new { roles = new[] { new { role_id = "auditor", description = "", permissions = new[] { new { resource_id = "invoices", actions = new[] { "export" } } } } } },
        })).AssertOk();
        var memberId = session.Str("member_id");
        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}", new { roles = new[] { "auditor" } })).AssertOk();

        var plain = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertOk();
        var check = (await AuthenticateAsync(session, new { organization_id = organizationId, resource_id = "invoices", action = "export" })).AssertOk();

        Assert.Equal(plain.Cost("tables"), check.Cost("tables"));
        Assert.Equal(["auditor"], check.Json.GetProperty("verdict").GetProperty("granting_roles").EnumerateArray().Select(r => r.GetString()));
        var byJwt = (await server.PostAsync("/v1/b2b/sessions/authenticate", new
        {
            session_jwt = check.Str("session_jwt"), authorization_check = new { organization_id = organizationId, resource_id = "invoices", action = "export" },
        })).AssertOk();
        Assert.True(byJwt.Json.GetProperty("verdict").GetProperty("authorized").GetBoolean());
    }
}
