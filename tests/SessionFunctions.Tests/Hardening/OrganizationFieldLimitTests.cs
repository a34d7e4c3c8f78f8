using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Hardening;

/// <summary>
/// Issue 19.8: organization fields obey one rule on create and on update. A logo URL past 2,048 characters is a 400
/// either way, never a 500 (Table Storage refuses a string property past 32K characters) and never stored.
/// </summary>
public sealed class OrganizationFieldLimitTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<int> TooLong => [2049, 20 * 1024, 40 * 1024];

    private static string Logo(int length) => "https://example.com/" + new string('a', length - "https://example.com/".Length);

    private Task<ApiCall> CreateAsync(string slug, object? logo) => server.PostAsync("/v1/b2b/organizations",
        new Dictionary<string, object?> { ["organization_name"] = "Logo", ["organization_slug"] = slug, ["organization_logo_url"] = logo });

    [Theory]
    [MemberData(nameof(TooLong))]
    public async Task Create_refuses_a_logo_url_longer_than_2048_characters_and_stores_nothing(int length)
    {
        var slug = $"logo-{Guid.NewGuid():N}"[..20];
        (await CreateAsync(slug, Logo(length))).AssertError(400, "invalid_argument");
        (await server.GetAsync($"/v1/b2b/organizations/{slug}")).AssertError(404, "organization_not_found");
    }

    [Theory]
    [MemberData(nameof(TooLong))]
    public async Task Update_refuses_the_same_logo_urls(int length)
    {
        var organizationId = await server.NewOrganizationAsync();
        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}", new { organization_logo_url = Logo(length) })).AssertError(400, "invalid_argument");
    }

    [Fact]
    public async Task A_logo_url_of_2048_characters_is_kept_on_create_and_on_update()
    {
        var slug = $"logo-{Guid.NewGuid():N}"[..20];
        var created = (await CreateAsync(slug, Logo(2048))).AssertOk();
        Assert.Equal(Logo(2048), created.Json.GetProperty("organization").GetProperty("organization_logo_url").GetString());
        (await server.PutAsync($"/v1/b2b/organizations/{slug}", new { organization_logo_url = Logo(2047) })).AssertOk();
    }

    [Theory]
    [InlineData("https://example.com/\nlogo.png")]
    [InlineData("https://example.com/\u0000logo.png")]
    public async Task A_logo_url_with_a_control_character_is_refused_on_create_and_on_update(string logo)
    {
        var slug = $"logo-{Guid.NewGuid():N}"[..20];
        (await CreateAsync(slug, logo)).AssertError(400, "invalid_argument");
        var organizationId = await server.NewOrganizationAsync();
        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}", new { organization_logo_url = logo })).AssertError(400, "invalid_argument");
    }
}
