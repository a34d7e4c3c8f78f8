using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.FirstSight;

public sealed class OrganizationSettingsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Create_sets_the_email_settings_and_the_organization_shows_them()
    {
        var call = (await server.PostAsync("/v1/b2b/organizations", new
        {
            organization_name = "Acme",
            organization_slug = "acme-" + Guid.NewGuid().ToString("N")[..8],
            email_jit_provisioning = "RESTRICTED",
            email_allowed_domains = new[] { "Acme.Example", "acme.example", "sub.acme.example" },
            rbac_email_implicit_role_assignments = new[] { new { role_id = "stytch_admin", domain = "Sub.Acme.Example" } },
        })).AssertOk();

        var organization = call.Json.GetProperty("organization");
        Assert.Equal("RESTRICTED", organization.GetProperty("email_jit_provisioning").GetString());
        Assert.Equal(["acme.example", "sub.acme.example"], organization.GetProperty("email_allowed_domains").EnumerateArray().Select(d => d.GetString()));
        var assignment = Assert.Single(organization.GetProperty("rbac_email_implicit_role_assignments").EnumerateArray());
        Assert.Equal("stytch_admin", assignment.GetProperty("role_id").GetString());
        Assert.Equal("sub.acme.example", assignment.GetProperty("domain").GetString());

        var read = (await server.GetAsync("/v1/b2b/organizations/" + organization.GetProperty("organization_id").GetString())).AssertOk();
        Assert.Equal("RESTRICTED", read.Json.GetProperty("organization").GetProperty("email_jit_provisioning").GetString());
    }

    [Fact]
    public async Task By_default_nobody_is_provisioned_and_put_changes_only_what_it_names()
    {
        var organizationId = await server.NewOrganizationAsync();
        var created = (await server.GetAsync("/v1/b2b/organizations/" + organizationId)).AssertOk().Json.GetProperty("organization");
        Assert.Equal("NOT_ALLOWED", created.GetProperty("email_jit_provisioning").GetString());
        Assert.Empty(created.GetProperty("email_allowed_domains").EnumerateArray());

        (await server.PutAsync("/v1/b2b/organizations/" + organizationId, new { email_allowed_domains = new[] { "corp.example" } })).AssertOk();
        var updated = (await server.PutAsync("/v1/b2b/organizations/" + organizationId, new { email_jit_provisioning = "RESTRICTED" })).AssertOk()
            .Json.GetProperty("organization");

        Assert.Equal("RESTRICTED", updated.GetProperty("email_jit_provisioning").GetString());
        Assert.Equal(["corp.example"], updated.GetProperty("email_allowed_domains").EnumerateArray().Select(d => d.GetString()));
    }

    [Theory]
    [InlineData("gmail.com")]
    [InlineData("GMAIL.com")]
    [InlineData("outlook.com")]
    public async Task Common_email_domains_are_refused(string domain)
    {
        var organizationId = await server.NewOrganizationAsync();
        (await server.PutAsync("/v1/b2b/organizations/" + organizationId, new { email_allowed_domains = new[] { "corp.example", domain } }))
            .AssertError(400, "invalid_email_allowed_domains");
        (await server.PutAsync("/v1/b2b/organizations/" + organizationId, new { rbac_email_implicit_role_assignments = new[] { new { role_id = "stytch_admin", domain } } }))
            .AssertError(400, "invalid_email_allowed_domains");
        Assert.Empty((await server.GetAsync("/v1/b2b/organizations/" + organizationId)).Json.GetProperty("organization").GetProperty("email_allowed_domains").EnumerateArray());
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("corp..example")]
    [InlineData("-corp.example")]
    [InlineData("@corp.example")]
    [InlineData("")]
    public async Task A_domain_that_is_no_dns_name_is_refused(string domain) =>
        (await server.PutAsync("/v1/b2b/organizations/" + await server.NewOrganizationAsync(), new { email_allowed_domains = new[] { domain } }))
            .AssertError(400, "invalid_email_domain");

    [Theory]
    [InlineData("ALL_ALLOWED")]
    [InlineData("restricted")]
    [InlineData("")]
    public async Task Email_jit_provisioning_is_restricted_or_not_allowed(string value) =>
        (await server.PostAsync("/v1/b2b/organizations", new { organization_name = "Xyz Corp " + Guid.NewGuid().ToString("N")[..6], email_jit_provisioning = value }))
            .AssertError(400, "invalid_email_jit_provisioning");
}
