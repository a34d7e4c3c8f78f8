using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>
/// An organization_id in a request may be an id, a slug or an external id, so the three share one name space, compared
/// ignoring ASCII case: no name can lead to two organizations. Member ids and member external ids likewise.
/// </summary>
public sealed class NameSpaceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    private Task<ApiCall> CreateAsync(string slug, string? externalId = null) =>
        server.PostAsync("/v1/b2b/organizations", externalId is null
            ? new { organization_name = "Org", organization_slug = slug }
            : (object)new { organization_name = "Org", organization_slug = slug, organization_external_id = externalId });

    [Fact]
    public async Task A_slug_may_not_take_another_organizations_external_id_in_any_case()
    {
        var externalId = Unique("Acme-Corp");
        var first = await server.NewOrganizationAsync(externalId: externalId);
        var before = await server.AllRowsAsync();

        (await CreateAsync(externalId.ToLowerInvariant())).AssertError(400, "organization_slug_already_used");
        (await CreateAsync(externalId.ToUpperInvariant())).AssertError(400, "organization_slug_already_used");

        Assert.Equal(before, await server.AllRowsAsync());
        var found = (await server.GetAsync($"/v1/b2b/organizations/{externalId.ToLowerInvariant()}")).AssertOk();
        Assert.Equal(first, found.Json.GetProperty("organization").GetProperty("organization_id").GetString());
    }

    [Fact]
    public async Task An_external_id_may_not_take_another_organizations_slug_or_external_id_in_any_case()
    {
        var slug = Unique("globex");
        var externalId = Unique("crm");
        await server.NewOrganizationAsync(slug, externalId);

        (await CreateAsync(Unique("other"), slug.ToUpperInvariant())).AssertError(400, "organization_external_id_already_used");
        (await CreateAsync(Unique("other"), externalId.ToUpperInvariant())).AssertError(400, "organization_external_id_already_used");
    }

    [Fact]
    public async Task An_organization_may_use_one_name_as_both_its_slug_and_its_external_id()
    {
        var name = Unique("same");
        var created = (await CreateAsync(name, name.ToUpperInvariant())).AssertOk();
        var id = created.Json.GetProperty("organization").GetProperty("organization_id").GetString();

        Assert.Equal(id, (await server.GetAsync($"/v1/b2b/organizations/{name}")).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString());
    }

    [Fact]
    public async Task A_slug_or_external_id_may_not_read_as_an_organization_id_in_any_case()
    {
        var existing = await server.NewOrganizationAsync();

        (await CreateAsync(existing.ToUpperInvariant())).AssertError(400, "invalid_organization_slug");
        (await CreateAsync(Unique("ok"), existing.ToUpperInvariant())).AssertError(400, "invalid_organization_external_id");
        (await CreateAsync(Unique("ok"), "organization-test-" + Guid.NewGuid().ToString().ToUpperInvariant())).AssertError(400, "invalid_organization_external_id");
    }

    [Fact]
    public async Task A_members_external_id_may_not_read_as_a_member_id()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, $"first-{Guid.NewGuid():N}@example.com");
        var before = await server.AllRowsAsync();

        foreach (var externalId in new[] { memberId, memberId.ToUpperInvariant(), " " + memberId })
            (await server.PostAsync($"/v1/b2b/organizations/{organizationId}/members",
                new { email_address = $"second-{Guid.NewGuid():N}@example.com", external_id = externalId })).AssertError(400, "invalid_argument");

        Assert.Equal(before, await server.AllRowsAsync());
    }

    [Fact]
    public async Task A_provider_email_with_a_look_alike_letter_does_not_migrate_into_the_ascii_member()
    {
        var organizationId = await server.NewOrganizationAsync();
        var kate = $"kate-{Guid.NewGuid():N}@corp.example";
        await server.NewMemberAsync(organizationId, kate);
        var before = await server.AllRowsAsync();

        (await server.MigrateAsync(organizationId, "\u212A" + kate[1..])).AssertError(404, "migrate_from_external_email_does_not_exist");
        (await server.MigrateAsync(organizationId, "K" + kate[1..])).AssertOk(); // ASCII case still folds

        Assert.Equal(before.Count + 2, (await server.AllRowsAsync()).Count); // the second migrate's session and its expiry row only
    }
}
