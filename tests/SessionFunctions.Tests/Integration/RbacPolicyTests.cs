using System.Text.Json;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>
/// GET /v1/b2b/rbac/policy and GET/PUT /v1/b2b/rbac/organizations/{organization_id}, as Stytch's, and the rule that roles
/// given to members must exist. Every test server loads the example policy (examples/rbac-policy.json).
/// </summary>
public sealed class RbacPolicyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static object Role(string roleId, params (string Resource, string[] Actions)[] permissions) => new
    {
        role_id = roleId,
        description = "role " + roleId,
        permissions = permissions.Select(p => new { resource_id = p.Resource, actions = p.Actions }).ToArray(),
    };

    private Task<ApiCall> SetRolesAsync(string organizationId, params object[] roles) =>
        server.PutAsync($"/v1/b2b/rbac/organizations/{organizationId}", new { org_policy = new { roles } });

    private static string[] Ids(JsonElement array, string field) => [.. array.EnumerateArray().Select(e => e.GetProperty(field).GetString()!)];

    [Fact]
    public async Task The_policy_is_the_example_file_with_stytchs_default_resources_and_roles()
    {
        var policy = (await server.GetAsync("/v1/b2b/rbac/policy")).AssertOk().Json.GetProperty("policy");

        Assert.Equal(["stytch.organization", "stytch.member", "stytch.sso", "stytch.self", "documents", "images", "invoices"], Ids(policy.GetProperty("resources"), "resource_id"));
        Assert.Equal(["stytch_admin", "stytch_member", "editor", "viewer", "billing"], Ids(policy.GetProperty("roles"), "role_id"));
        Assert.Equal(["read:documents"], Ids(policy.GetProperty("scopes"), "scope"));
        var member = policy.GetProperty("roles").EnumerateArray().Single(r => r.GetProperty("role_id").GetString() == "stytch_member");
        Assert.Equal(["stytch.self", "documents"], Ids(member.GetProperty("permissions"), "resource_id")); // the file redefines it
        var admin = policy.GetProperty("roles")[0];
        Assert.Equal(["stytch.organization", "stytch.member", "stytch.sso"], Ids(admin.GetProperty("permissions"), "resource_id")); // Stytch's default
        Assert.Contains("update.settings.roles", policy.GetProperty("resources")[1].GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task An_organizations_custom_roles_are_set_read_back_and_shown_in_the_organization()
    {
        var organizationId = await server.NewOrganizationAsync();
        Assert.Equal(0, (await server.GetAsync($"/v1/b2b/rbac/organizations/{organizationId}")).AssertOk().Json.GetProperty("org_policy").GetProperty("roles").GetArrayLength());

        var set = (await SetRolesAsync(organizationId, Role("auditor", ("invoices", ["read", "export"]), ("documents", ["*"])))).AssertOk();

        Assert.Equal(["auditor"], Ids(set.Json.GetProperty("org_policy").GetProperty("roles"), "role_id"));
        var read = (await server.GetAsync($"/v1/b2b/rbac/organizations/{organizationId}")).AssertOk().Json.GetProperty("org_policy").GetProperty("roles")[0];
        Assert.Equal("role auditor", read.GetProperty("description").GetString());
        Assert.Equal(["invoices", "documents"], Ids(read.GetProperty("permissions"), "resource_id"));
        var organization = (await server.GetAsync($"/v1/b2b/organizations/{organizationId}")).AssertOk().Json.GetProperty("organization");
        Assert.Equal(["auditor"], Ids(organization.GetProperty("custom_roles"), "role_id"));

        (await SetRolesAsync(organizationId)).AssertOk();
        Assert.Equal(0, (await server.GetAsync($"/v1/b2b/rbac/organizations/{organizationId}")).AssertOk().Json.GetProperty("org_policy").GetProperty("roles").GetArrayLength());
    }

    public static TheoryData<string, string> RefusedRoles => new()
    {
        { """{"role_id":"auditor","description":"","permissions":[{"resource_id":"payroll","actions":["read"]}]}""", "invalid_permission_resource" },
        { """{"role_id":"auditor","description":"","permissions":[{"resource_id":"invoices","actions":["fly"]}]}""", "invalid_permission_action" },
        { """{"role_id":"auditor","description":"","permissions":[{"resource_id":"invoices","actions":["*","read"]}]}""", "cannot_specify_wildcard_with_other_actions" },
        { """{"role_id":"auditor","description":"","permissions":[{"resource_id":"invoices","actions":[]}]}""", "rbac_permission_missing_actions" },
        { """{"role_id":"stytch_auditor","description":"","permissions":[]}""", "invalid_rbac_custom_role" },
        { """{"role_id":"","description":"","permissions":[]}""", "invalid_rbac_custom_role" },
        { """{"role_id":"editor","description":"","permissions":[]}""", "rbac_role_duplicate" },
        { """{"role_id":"a","description":"","permissions":[]},{"role_id":"a","description":"","permissions":[]}""", "rbac_role_duplicate" },
    };

    [Theory]
    [MemberData(nameof(RefusedRoles))]
    public async Task Custom_roles_may_use_only_the_projects_resources_and_actions_and_new_ids(string roles, string errorType)
    {
        var organizationId = await server.NewOrganizationAsync();
        (await SetRolesAsync(organizationId, Role("kept", ("documents", ["read"])))).AssertOk();

        var call = await server.PutRawAsync($"/v1/b2b/rbac/organizations/{organizationId}", """{"org_policy":{"roles":[""" + roles + "]}}");

        call.AssertError(400, errorType);
        Assert.Equal(["kept"], Ids((await server.GetAsync($"/v1/b2b/rbac/organizations/{organizationId}")).Json.GetProperty("org_policy").GetProperty("roles"), "role_id"));
    }

    [Fact]
    public async Task A_missing_org_policy_or_organization_is_a_stytch_error()
    {
        var organizationId = await server.NewOrganizationAsync();
        (await server.PutRawAsync($"/v1/b2b/rbac/organizations/{organizationId}", "{}")).AssertError(400, "invalid_argument");
        (await server.GetAsync("/v1/b2b/rbac/organizations/no-such-organization")).AssertError(404, "organization_not_found");
        (await SetRolesAsync("no-such-organization")).AssertError(404, "organization_not_found");
    }

    [Fact]
    public async Task Roles_given_to_members_must_be_in_the_policy_or_the_organizations_custom_roles()
    {
        var organizationId = await server.NewOrganizationAsync();
        var before = await server.AllRowsAsync();
        (await server.PostAsync($"/v1/b2b/organizations/{organizationId}/members", new { email_address = "nobody@example.com", roles = new[] { "editor", "auditor" } }))
            .AssertError(400, "invalid_rbac_role_id");
        Assert.Equal(before, await server.AllRowsAsync());

        var memberId = await server.NewMemberAsync(organizationId, $"r-{Guid.NewGuid():N}@example.com", roles: ["editor"]);
        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}", new { roles = new[] { "auditor" } })).AssertError(400, "invalid_rbac_role_id");

        (await SetRolesAsync(organizationId, Role("auditor", ("invoices", ["read"])))).AssertOk();
        var updated = (await server.PutAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}", new { roles = new[] { "auditor", "stytch_admin" } })).AssertOk();
        Assert.Equal(["stytch_member", "auditor", "stytch_admin"], Ids(updated.Json.GetProperty("member").GetProperty("roles"), "role_id"));
        // Another organization's custom role is not this one's.
        var other = await server.NewOrganizationAsync();
        (await server.PostAsync($"/v1/b2b/organizations/{other}/members", new { email_address = "x@example.com", roles = new[] { "auditor" } })).AssertError(400, "invalid_rbac_role_id");
    }

    [Fact]
    public async Task A_role_granted_by_email_domain_shows_on_the_member_in_the_session_and_in_the_jwt()
    {
        var slug = "org-" + Guid.NewGuid().ToString("N")[..12];
        var created = (await server.PostAsync("/v1/b2b/organizations", new
        {
            organization_name = "Partners", organization_slug = slug,
            rbac_email_implicit_role_assignments = new[] { new { domain = "Partner.Example", role_id = "viewer" } },
        })).AssertOk();
        var organizationId = created.Json.GetProperty("organization").GetProperty("organization_id").GetString()!;
        var assignment = created.Json.GetProperty("organization").GetProperty("rbac_email_implicit_role_assignments")[0];
        Assert.Equal("partner.example", assignment.GetProperty("domain").GetString());
        Assert.Equal("viewer", assignment.GetProperty("role_id").GetString());

        var email = $"p-{Guid.NewGuid():N}@PARTNER.example";
        await server.NewMemberAsync(organizationId, email, roles: ["viewer"]);
        var member = (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?email_address={Uri.EscapeDataString(email)}")).AssertOk().Json.GetProperty("member");
        var viewer = member.GetProperty("roles").EnumerateArray().Single(r => r.GetProperty("role_id").GetString() == "viewer");
        Assert.Equal(["direct_assignment", "email_assignment"], viewer.GetProperty("sources").EnumerateArray().Select(s => s.GetProperty("type").GetString()));
        Assert.Equal("partner.example", viewer.GetProperty("sources")[1].GetProperty("details").GetProperty("email_domain").GetString());

        var other = $"q-{Guid.NewGuid():N}@partner.example";
        await server.NewMemberAsync(organizationId, other);
        var session = (await server.MigrateAsync(organizationId, other)).AssertOk();
        Assert.Equal(["stytch_member", "viewer"], session.Json.GetProperty("member_session").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["stytch_member", "viewer"], Ids(session.Json.GetProperty("member").GetProperty("roles"), "role_id"));
        var claim = Jwts.Payload(session.Str("session_jwt")).GetProperty("https://stytch.com/session").GetProperty("roles");
        Assert.Equal(["stytch_member", "viewer"], claim.EnumerateArray().Select(r => r.GetString()));

        // Changing the organization's setting changes the roles at once; no member is rewritten.
        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}", new { rbac_email_implicit_role_assignments = Array.Empty<object>() })).AssertOk();
        var authenticated = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertOk();
        Assert.Equal(["stytch_member"], authenticated.Json.GetProperty("member_session").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Implicit_assignments_need_a_domain_and_a_role_that_exists_and_keep_their_role()
    {
        var organizationId = await server.NewOrganizationAsync();
        var path = $"/v1/b2b/organizations/{organizationId}";
        (await server.PutAsync(path, new { rbac_email_implicit_role_assignments = new[] { new { domain = "partner.example", role_id = "auditor" } } })).AssertError(400, "invalid_rbac_role_id");
        (await server.PutAsync(path, new { rbac_email_implicit_role_assignments = new[] { new { domain = "not a domain", role_id = "viewer" } } })).AssertError(400, "rbac_invalid_domain");
        (await server.PostAsync("/v1/b2b/organizations", new { organization_name = "Ghost Roles " + Guid.NewGuid().ToString("N")[..6], rbac_email_implicit_role_assignments = new[] { new { domain = "x.example", role_id = "ghost" } } }))
            .AssertError(400, "invalid_rbac_role_id");

        (await SetRolesAsync(organizationId, Role("auditor", ("invoices", ["read"])))).AssertOk();
        (await server.PutAsync(path, new { rbac_email_implicit_role_assignments = new[] { new { domain = "partner.example", role_id = "auditor" } } })).AssertOk();
        // The custom role cannot go while an assignment grants it.
        (await SetRolesAsync(organizationId)).AssertError(400, "invalid_rbac_role_id");
    }
}
