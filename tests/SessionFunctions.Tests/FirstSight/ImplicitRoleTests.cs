using System.Text.Json;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.FirstSight;

/// <summary>Roles by email domain: shown on the member, in the session's roles and in its JWT, worked out at each use.</summary>
public sealed class ImplicitRoleTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string[] RoleIds(JsonElement roles) => [.. roles.EnumerateArray().Select(r => r.ValueKind == JsonValueKind.String ? r.GetString()! : r.GetProperty("role_id").GetString()!)];

    [Fact]
    public async Task A_member_created_before_the_assignment_holds_the_role_at_its_next_authenticate_and_loses_it_when_it_is_removed()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"u{Guid.NewGuid():N}@Corp.Example";
        var memberId = await server.NewMemberAsync(organizationId, email, roles: ["engineer"]);
        await server.NewMemberAsync(organizationId, $"o{Guid.NewGuid():N}@other.example");
        var session = (await server.MigrateAsync(organizationId, email)).AssertOk();
        Assert.Equal(["stytch_member", "engineer"], RoleIds(session.Json.GetProperty("member_session").GetProperty("roles")));

        (await server.PutAsync("/v1/b2b/organizations/" + organizationId, new
        {
            rbac_email_implicit_role_assignments = new[] { new { role_id = "engineer", domain = "corp.example" }, new { role_id = "reader", domain = "corp.example" } },
        })).AssertOk();
        var authenticated = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertOk();

        Assert.Equal(["stytch_member", "engineer", "reader"], RoleIds(authenticated.Json.GetProperty("member_session").GetProperty("roles")));
        Assert.Equal(["stytch_member", "engineer", "reader"], RoleIds(Jwts.Payload(authenticated.Str("session_jwt")).GetProperty("https://stytch.com/session").GetProperty("roles")));
        var member = (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={memberId}")).AssertOk().Json.GetProperty("member");
        var engineer = member.GetProperty("roles").EnumerateArray().Single(r => r.GetProperty("role_id").GetString() == "engineer");
        Assert.Equal(["direct_assignment", "email_assignment"], engineer.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("type").GetString()));
        var reader = member.GetProperty("roles").EnumerateArray().Single(r => r.GetProperty("role_id").GetString() == "reader");
        Assert.Equal("corp.example", reader.GetProperty("sources")[0].GetProperty("details").GetProperty("email_domain").GetString());

        // A member update keeps only its direct roles in storage: removing the assignment removes the implicit role.
        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}", new { name = "Renamed" })).AssertOk();
        (await server.PutAsync("/v1/b2b/organizations/" + organizationId, new { rbac_email_implicit_role_assignments = Array.Empty<object>() })).AssertOk();
        var after = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertOk();
        Assert.Equal(["stytch_member", "engineer"], RoleIds(after.Json.GetProperty("member_session").GetProperty("roles")));
    }
}
