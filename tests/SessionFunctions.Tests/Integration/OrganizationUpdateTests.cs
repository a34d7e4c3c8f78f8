using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>PUT /v1/b2b/organizations/{organization_id}: Stytch's organization update, within one name space for ids, slugs and external ids.</summary>
public sealed class OrganizationUpdateTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<ApiCall> GetAsync(string identifier) => await server.GetAsync($"/v1/b2b/organizations/{Uri.EscapeDataString(identifier)}");

    [Fact]
    public async Task Name_slug_external_id_logo_and_metadata_change_and_the_old_names_stop_resolving()
    {
        var (oldSlug, oldExternal) = (Unique("old"), Unique("ext-old"));
        var organizationId = await server.NewOrganizationAsync(oldSlug, oldExternal);
        var created = (await GetAsync(organizationId)).AssertOk().Json.GetProperty("organization");
        var (newSlug, newExternal) = (Unique("new"), Unique("ext-new"));
        await Task.Delay(1100); // updated_at has whole seconds

        var call = (await server.PutAsync($"/v1/b2b/organizations/{oldSlug}", new
        {
            organization_name = "Renamed", organization_slug = newSlug, organization_external_id = newExternal,
            organization_logo_url = "https://example.com/logo.png", trusted_metadata = new { tier = "gold" },
        })).AssertOk();

        var organization = call.Json.GetProperty("organization");
        Assert.Equal(organizationId, organization.GetProperty("organization_id").GetString());
        Assert.Equal("Renamed", organization.GetProperty("organization_name").GetString());
        Assert.Equal(newSlug, organization.GetProperty("organization_slug").GetString());
        Assert.Equal(newExternal, organization.GetProperty("organization_external_id").GetString());
        Assert.Equal("https://example.com/logo.png", organization.GetProperty("organization_logo_url").GetString());
        Assert.Equal("gold", organization.GetProperty("trusted_metadata").GetProperty("tier").GetString());
        Assert.Equal(created.GetProperty("created_at").GetString(), organization.GetProperty("created_at").GetString());
        Assert.NotEqual(created.GetProperty("updated_at").GetString(), organization.GetProperty("updated_at").GetString());
        foreach (var name in new[] { organizationId, newSlug, newExternal.ToUpperInvariant() })
            Assert.Equal("Renamed", (await GetAsync(name)).AssertOk().Json.GetProperty("organization").GetProperty("organization_name").GetString());
        (await GetAsync(oldSlug)).AssertError(404, "organization_not_found");
        (await GetAsync(oldExternal)).AssertError(404, "organization_not_found");

        // The old names are free for another organization.
        await server.NewOrganizationAsync(oldSlug, oldExternal);
    }

    [Fact]
    public async Task A_slug_or_external_id_that_names_another_organization_in_any_way_is_refused_and_nothing_changes()
    {
        var (otherSlug, otherExternal) = (Unique("taken"), Unique("taken-ext"));
        var other = await server.NewOrganizationAsync(otherSlug, otherExternal);
        var slug = Unique("mine");
        var organizationId = await server.NewOrganizationAsync(slug);
        var before = await server.AllRowsAsync();
        var path = $"/v1/b2b/organizations/{organizationId}";

        (await server.PutAsync(path, new { organization_slug = otherSlug.ToUpperInvariant() })).AssertError(400, "organization_slug_already_used");
        (await server.PutAsync(path, new { organization_slug = otherExternal })).AssertError(400, "organization_slug_already_used");
        (await server.PutAsync(path, new { organization_external_id = otherSlug })).AssertError(400, "organization_external_id_already_used");
        (await server.PutAsync(path, new { organization_name = "x", organization_external_id = otherExternal.ToUpperInvariant() })).AssertError(400, "organization_external_id_already_used");
        (await server.PutAsync(path, new { organization_slug = other.ToUpperInvariant() })).AssertError(400, "invalid_organization_slug");
        (await server.PutAsync(path, new { organization_external_id = other })).AssertError(400, "invalid_organization_external_id");
        (await server.PutAsync(path, new { organization_name = "" })).AssertError(400, "invalid_organization_name");
        (await server.PutAsync(path, new { trusted_metadata = new { legacy_provider = "nope" } })).AssertError(400, "invalid_legacy_provider");
        (await server.PutAsync("/v1/b2b/organizations/no-such-org", new { organization_name = "x" })).AssertError(404, "organization_not_found");

        Assert.Equal(before, await server.AllRowsAsync());
        Assert.Equal(slug, (await GetAsync(organizationId)).AssertOk().Json.GetProperty("organization").GetProperty("organization_slug").GetString());
    }

    [Fact]
    public async Task An_empty_external_id_removes_it_and_an_empty_update_writes_nothing()
    {
        var external = Unique("ext");
        var organizationId = await server.NewOrganizationAsync(externalId: external);
        var path = $"/v1/b2b/organizations/{organizationId}";

        var call = (await server.PutAsync(path, new { organization_external_id = "" })).AssertOk();
        Assert.False(call.Json.GetProperty("organization").TryGetProperty("organization_external_id", out _));
        (await GetAsync(external)).AssertError(404, "organization_not_found");

        var before = await server.AllRowsAsync();
        (await server.PutAsync(path, new { })).AssertOk();
        Assert.Equal(before, await server.AllRowsAsync());
    }

    [Fact]
    public async Task A_slug_may_take_the_organizations_own_external_id()
    {
        var external = Unique("same");
        var organizationId = await server.NewOrganizationAsync(externalId: external);

        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}", new { organization_slug = external })).AssertOk();

        Assert.Equal(organizationId, (await GetAsync(external)).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString());
    }

    [Fact]
    public async Task After_a_rename_no_spelling_of_the_old_slug_leads_to_the_old_organization()
    {
        var slug = Unique("renamed");
        var first = await server.NewOrganizationAsync(slug);
        (await server.GetAsync($"/v1/b2b/organizations/{slug.ToUpperInvariant()}")).AssertOk(); // cached under this spelling

        (await server.PutAsync($"/v1/b2b/organizations/{first}", new { organization_slug = slug + "-old" })).AssertOk();
        var second = await server.NewOrganizationAsync(slug);

        foreach (var spelling in new[] { slug, slug.ToUpperInvariant() })
            Assert.Equal(second, (await server.GetAsync($"/v1/b2b/organizations/{spelling}")).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString());
    }
}
