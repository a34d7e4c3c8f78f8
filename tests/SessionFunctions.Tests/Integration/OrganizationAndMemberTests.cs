using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

public sealed class OrganizationAndMemberTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static readonly string[] RequiredOrganizationFields =
    [
        "organization_id", "organization_name", "organization_logo_url", "organization_slug", "sso_jit_provisioning",
        "sso_jit_provisioning_allowed_connections", "sso_active_connections", "email_allowed_domains", "email_jit_provisioning",
        "email_invites", "auth_methods", "allowed_auth_methods", "mfa_policy", "rbac_email_implicit_role_assignments", "mfa_methods",
        "allowed_mfa_methods", "oauth_tenant_jit_provisioning", "claimed_email_domains", "first_party_connected_apps_allowed_type",
        "allowed_first_party_connected_apps", "third_party_connected_apps_allowed_type", "allowed_third_party_connected_apps", "custom_roles",
    ];

    private static readonly string[] RequiredMemberFields =
    [
        "organization_id", "member_id", "email_address", "status", "name", "sso_registrations", "is_breakglass", "member_password_id",
        "oauth_registrations", "email_address_verified", "mfa_phone_number_verified", "is_admin", "totp_registration_id",
        "retired_email_addresses", "is_locked", "mfa_enrolled", "mfa_phone_number", "default_mfa_method", "roles",
    ];

    [Fact]
    public async Task An_organization_has_every_field_the_spec_requires_and_can_be_read_back()
    {
        var created = (await server.PostAsync("/v1/b2b/organizations", new
        {
            organization_name = "Initech", organization_slug = "initech-" + Guid.NewGuid().ToString("N")[..6],
            organization_external_id = "crm-42-" + Guid.NewGuid().ToString("N")[..6], trusted_metadata = new { tier = "gold" },
        })).AssertOk().Json.GetProperty("organization");
        foreach (var field in RequiredOrganizationFields) Assert.True(created.TryGetProperty(field, out _), $"organization lacks {field}");
        Assert.Equal("gold", created.GetProperty("trusted_metadata").GetProperty("tier").GetString());

        var read = (await server.GetAsync($"/v1/b2b/organizations/{created.GetProperty("organization_id").GetString()}")).AssertOk();
        Assert.Equal(created.ToString(), read.Json.GetProperty("organization").ToString());
    }

    [Fact]
    public async Task A_slug_can_be_used_only_once_ignoring_case()
    {
        var slug = "dup-" + Guid.NewGuid().ToString("N")[..8];
        await server.NewOrganizationAsync(slug);
        (await server.PostAsync("/v1/b2b/organizations", new { organization_name = "Again", organization_slug = slug.ToUpperInvariant() }))
            .AssertError(400, "organization_slug_already_used");
    }

    [Fact]
    public async Task An_external_id_can_be_used_only_once()
    {
        var externalId = "ext-" + Guid.NewGuid();
        await server.NewOrganizationAsync(externalId: externalId);
        var before = await server.AllRowsAsync();
        (await server.PostAsync("/v1/b2b/organizations", new { organization_name = "Again", organization_slug = "x-" + Guid.NewGuid().ToString("N")[..8], organization_external_id = externalId }))
            .AssertError(400, "organization_external_id_already_used");
        Assert.Equal(before, await server.AllRowsAsync()); // the slug row of the refused organization was not left behind
    }

    [Theory]
    [InlineData("a")]
    [InlineData("has space")]
    [InlineData("quote'slug")]
    [InlineData("slash/slug")]
    public async Task An_invalid_slug_is_refused(string slug) =>
        (await server.PostAsync("/v1/b2b/organizations", new { organization_name = "Bad", organization_slug = slug })).AssertError(400, "invalid_organization_slug");

    [Fact]
    public async Task A_missing_slug_is_made_from_the_name()
    {
        var name = "Umbrella Corp " + Guid.NewGuid().ToString("N")[..6];
        var organization = (await server.PostAsync("/v1/b2b/organizations", new { organization_name = name })).AssertOk().Json.GetProperty("organization");
        Assert.Equal(name.ToLowerInvariant().Replace(' ', '-'), organization.GetProperty("organization_slug").GetString());
    }

    [Fact]
    public async Task An_organization_name_is_required() =>
        (await server.PostAsync("/v1/b2b/organizations", new { organization_slug = "no-name" })).AssertError(400, "invalid_argument");

    [Fact]
    public async Task An_unknown_organization_is_a_404() =>
        (await server.GetAsync($"/v1/b2b/organizations/organization-test-{Guid.NewGuid()}")).AssertError(404, "organization_not_found");

    [Fact]
    public async Task A_member_has_every_field_the_spec_requires_and_is_found_by_id_or_email_in_any_case()
    {
        var organizationId = await server.NewOrganizationAsync();
        var created = (await server.PostAsync($"/v1/b2b/organizations/{organizationId}/members", new
        {
            email_address = "Katherine.Johnson@Example.com", name = "Katherine", roles = new[] { "editor", "stytch_admin" },
            external_id = "hr-7", trusted_metadata = new { team = "orbits" },
        })).AssertOk();
        var member = created.Json.GetProperty("member");
        foreach (var field in RequiredMemberFields) Assert.True(member.TryGetProperty(field, out _), $"member lacks {field}");
        Assert.Equal("active", member.GetProperty("status").GetString());
        Assert.True(member.GetProperty("is_admin").GetBoolean());
        Assert.Equal(["stytch_member", "editor", "stytch_admin"], member.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("role_id").GetString()));

        var memberId = created.Str("member_id");
        foreach (var query in new[] { $"member_id={memberId}", "email_address=katherine.johnson%40EXAMPLE.COM", "member_id=hr-7" })
            Assert.Equal(memberId, (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?{query}")).AssertOk().Str("member_id"));
    }

    [Fact]
    public async Task Emails_are_unique_per_organization_ignoring_case()
    {
        var organizationId = await server.NewOrganizationAsync();
        await server.NewMemberAsync(organizationId, "twin@example.com");
        (await server.PostAsync($"/v1/b2b/organizations/{organizationId}/members", new { email_address = "TWIN@example.com" }))
            .AssertError(400, "duplicate_member_email");

        var otherOrganization = await server.NewOrganizationAsync();
        await server.NewMemberAsync(otherOrganization, "twin@example.com"); // another organization is fine
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("a@b")]
    [InlineData("two@@example.com")]
    [InlineData("space in@example.com")]
    public async Task An_invalid_email_is_refused(string email)
    {
        var organizationId = await server.NewOrganizationAsync();
        (await server.PostAsync($"/v1/b2b/organizations/{organizationId}/members", new { email_address = email })).AssertError(400, "invalid_email");
    }

    [Fact]
    public async Task A_member_of_an_unknown_organization_cannot_be_created() =>
        (await server.PostAsync($"/v1/b2b/organizations/organization-test-{Guid.NewGuid()}/members", new { email_address = "x@example.com" }))
            .AssertError(404, "organization_not_found");

    [Theory]
    [InlineData("")]
    [InlineData("?member_id=a&email_address=b%40example.com")]
    public async Task Getting_a_member_needs_exactly_one_of_member_id_or_email(string query)
    {
        var organizationId = await server.NewOrganizationAsync();
        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member{query}")).AssertError(400, "invalid_member_get_fields");
    }

    [Fact]
    public async Task A_member_of_another_organization_is_not_found_here()
    {
        var organizationId = await server.NewOrganizationAsync();
        var other = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(other, "elsewhere@example.com");
        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={memberId}")).AssertError(404, "member_not_found");
    }

    [Fact]
    public async Task A_deleted_member_is_gone_deleting_it_again_is_fine_and_its_email_can_be_used_again()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, "again@example.com");

        var deleted = (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertOk();
        Assert.Equal(memberId, deleted.Str("member_id"));

        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={memberId}")).AssertError(404, "member_not_found");
        Assert.Equal(memberId, (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertOk().Str("member_id"));
        Assert.NotEqual(memberId, await server.NewMemberAsync(organizationId, "Again@example.com"));
    }
}
