using SessionFunctions.Core.Model;
using SessionFunctions.Core.Signing;
using SessionFunctions.Tests.Infrastructure;
using SessionFunctions.Tests.Signing;
using static SessionFunctions.Tests.KeyVault.FakeKeyVault.Operation;

namespace SessionFunctions.Tests.KeyVault;

/// <summary>Wrapped mode with the wrapping key in (a fake) Key Vault: how often the vault is called, and what a vault fault does.</summary>
public sealed class WrappedKeyVaultTests
{
    private static async Task WithVaultAsync(Func<FakeKeyVault, Task> test)
    {
        await using var vault = await FakeKeyVault.StartAsync();
        vault.AddVersion(DateTimeOffset.UtcNow.AddDays(-3));
        await test(vault);
    }

    [Fact]
    public async Task Ten_thousand_mints_cost_one_unwrap_and_no_vault_signature() =>
        await WithVaultAsync(vault => WrappedServerFixture.RunAsync(async servers =>
        {
            var (a, b) = (servers[0], servers[1]);
            var wrapsAfterStart = vault.Count(WrapKey);
            var (organizationId, _, fromA) = await a.NewSessionAsync();
            var email = $"mint-{Guid.NewGuid():N}@example.com";
            await a.NewMemberAsync(organizationId, email);
            var fromB = (await b.MigrateAsync(organizationId, email)).AssertOk();
            var session = Jwts.Payload(fromB.Str("session_jwt"));
            var issuer = b.Service<SessionJwtIssuer>();
            var member = new MemberSession
            {
                MemberSessionId = fromB.Json.GetProperty("member_session").GetProperty("member_session_id").GetString()!,
                MemberId = session.GetProperty("sub").GetString()!,
                StartedAt = DateTimeOffset.UtcNow, LastAccessedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
                AuthenticationFactors = [], OrganizationId = organizationId, Roles = [], OrganizationSlug = "mint",
            };

            var jwts = new string[10_000];
            await Parallel.ForAsync(0, jwts.Length, async (i, ct) => jwts[i] = await issuer.IssueAsync(member, DateTimeOffset.UtcNow, ct));
            (await b.PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = fromA.Str("session_jwt") })).AssertOk();

            Assert.Equal(1, vault.Count(UnwrapKey));            // instance b, once, for the key instance a made
            Assert.Equal(wrapsAfterStart, vault.Count(WrapKey)); // no new key
            Assert.InRange(wrapsAfterStart, 1, 2);               // a made the current key (and the next, if within its lead)
            Assert.Equal(0, vault.Count(Sign));
            Assert.Empty(vault.Rejections);
            await Jwts.VerifyAgainstJwksAsync(a, jwts[^1]);
        }, shared => new WrappedServerFixture(shared, vault), shared => new WrappedServerFixture(shared, vault)));

    [Fact]
    public async Task An_unwrap_refused_at_start_up_answers_503_and_the_instance_recovers_when_the_vault_does() =>
        await WithVaultAsync(async vault =>
        {
            await WrappedServerFixture.RunAsync(async servers =>
            {
                var b = servers[1];
                var organizationId = await servers[0].NewOrganizationAsync();
                await servers[0].NewMemberAsync(organizationId, "vault-down@example.com");
                var before = await servers[0].AllRowsAsync();

                var refused = await b.MigrateAsync(organizationId, "vault-down@example.com");

                refused.AssertError(503, "server_unavailable");
                Assert.Equal(before, await servers[0].AllRowsAsync()); // nothing written, no unsigned JWT
                Assert.Contains(b.Logs.Lines, l => l.Contains("Could not unwrap signing key"));

                ApiCall? healed = null;
                for (var i = 0; i < 20 && healed?.Status != System.Net.HttpStatusCode.OK; i++)
                {
                    await Task.Delay(WrappedKeyStore.UnwrapRetryCooldown);
                    healed = await b.MigrateAsync(organizationId, "vault-down@example.com");
                }
                healed!.AssertOk();
                (await servers[0].PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = healed.Str("session_jwt") })).AssertOk();
                Assert.Equal(await servers[0].JwksAsync(), await b.JwksAsync());
            },
            shared => new WrappedServerFixture(shared, vault),
            shared =>
            {
                vault.Answer(UnwrapKey, 403, times: 2); // the vault refuses b's unwraps until these two are spent
                return new WrappedServerFixture(shared, vault);
            });
        });
}
