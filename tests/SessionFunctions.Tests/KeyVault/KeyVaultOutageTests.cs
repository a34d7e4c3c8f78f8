using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.KeyVault;

/// <summary>A vault that cannot be reached: signing fails with a 503 in bounded time, and what needs no vault keeps working.</summary>
public sealed class KeyVaultOutageTests
{
    [Fact]
    public async Task An_unreachable_vault_gives_a_503_in_bounded_time_and_stores_nothing() =>
        await KeyVaultServerFixture.RunAsync(async server =>
        {
            var organizationId = await server.NewOrganizationAsync();
            await server.NewMemberAsync(organizationId, "outage@example.com");
            await server.Vault.StopAsync();
            var before = await server.AllRowsAsync();
            var started = DateTimeOffset.UtcNow;

            var call = await server.MigrateAsync(organizationId, "outage@example.com");

            call.AssertError(503, "server_unavailable");
            Assert.Contains("could not be reached", call.Str("error_message"));
            Assert.Equal(before, await server.AllRowsAsync());
            Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(15), "the retries were not bounded");
        });

    [Fact]
    public async Task The_jwks_is_still_served_while_the_vault_is_down() =>
        await KeyVaultServerFixture.RunAsync(async server =>
        {
            await server.Vault.StopAsync();

            var jwks = (await server.GetAsync($"/v1/b2b/sessions/jwks/{server.ProjectId}", server.Anonymous)).AssertOk();

            Assert.Equal(server.KidOf(server.SigningVersion), Assert.Single(jwks.Json.GetProperty("keys").EnumerateArray()).GetProperty("kid").GetString());
        });
}
