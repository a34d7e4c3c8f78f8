using Microsoft.IdentityModel.JsonWebTokens;
using SessionFunctions.Core.Signing;
using SessionFunctions.Tests.Infrastructure;
using SessionFunctions.Tests.KeyVault;

namespace SessionFunctions.Tests.Signing;

/// <summary>
/// Issue 19.4: keys outlive the sessions they signed. A session lives up to 366 days and its JWT, expired by <c>exp</c>,
/// authenticates it (and gets a new JWT) for as long as it lives, whatever the rotation schedule and in every signing
/// mode: a rotated-out key leaves the JWKS after <c>Signing__RotationOverlapDays</c>, but the service keeps verifying
/// with it for as long as a session it signed can live.
/// </summary>
public sealed class KeyRetentionTests
{
    private const int YearMinutes = 527040; // 366 days, the longest session

    private static async Task<(string Jwt, string SessionId)> LongSessionAsync(ServerFixture server)
    {
        var (_, _, call) = await server.NewSessionAsync(durationMinutes: YearMinutes);
        return (call.Str("session_jwt"), SessionId(call));
    }

    private static async Task<ApiCall> AuthenticateAsync(ServerFixture server, string jwt) =>
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = jwt })).AssertOk();

    private static string SessionId(ApiCall call) => call.Json.GetProperty("member_session").GetProperty("member_session_id").GetString()!;

    private static string Kid(string jwt) => new JsonWebToken(jwt).Kid;

    private static async Task<List<string>> JwksKidsAsync(ServerFixture server) =>
        [.. (await server.GetAsync($"/v1/b2b/sessions/jwks/{server.ProjectId}", server.Anonymous)).AssertOk()
            .Json.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];

    [Fact]
    public async Task Key_vault_a_version_rotated_out_of_the_jwks_still_verifies_its_sessions_jwts_for_a_year() =>
        await KeyVaultServerFixture.RunAsync(async server =>
        {
            var (jwt, sessionId) = await LongSessionAsync(server);
            var oldKid = Kid(jwt);
            var ring = server.Service<SigningKeyRing>();

            var newVersion = server.Vault.AddVersion(server.Clock!.GetUtcNow());
            server.Clock.Advance(TimeSpan.FromDays(31)); // past the 30-day overlap: the old version leaves the JWKS
            await ring.RefreshAsync(CancellationToken.None);
            Assert.Equal([server.KidOf(newVersion)], await JwksKidsAsync(server));

            var authenticated = await AuthenticateAsync(server, jwt);
            Assert.Equal(sessionId, SessionId(authenticated));
            Assert.Equal(server.KidOf(newVersion), Kid(authenticated.Str("session_jwt")));

            server.Clock.Advance(TimeSpan.FromDays(333)); // 364 days after the session began: it still lives
            await ring.RefreshAsync(CancellationToken.None);
            Assert.Equal(sessionId, SessionId(await AuthenticateAsync(server, jwt)));
            Assert.DoesNotContain(oldKid, await JwksKidsAsync(server));
        },
        seed: vault => vault.AddVersion(DateTimeOffset.UtcNow.AddDays(-1)),
        fakeClock: true);

    private static readonly Dictionary<string, string> HourlyRotation = new()
    {
        ["Signing:RotationInterval"] = "01:00:00",
        ["Signing:RotationLead"] = "00:10:00",
        ["Signing:KeyRefreshInterval"] = "00:00:01",
        ["Signing:RotationOverlapDays"] = "1",
    };

    [Fact]
    public async Task Wrapped_a_key_rotated_out_of_the_jwks_still_verifies_its_sessions_jwts_for_a_year() =>
        await WrappedServerFixture.RunAsync(async servers =>
        {
            var server = servers[0];
            var ring = server.Service<SigningKeyRing>();
            var (jwt, sessionId) = await LongSessionAsync(server);
            var oldKid = Kid(jwt);
            var start = server.Clock!.GetUtcNow();

            // A key made late signs one lead (10 minutes) after it was made; its predecessor leaves the JWKS a day later.
            async Task RotateAtAsync(DateTimeOffset at)
            {
                server.Clock.SetUtcNow(at);
                await ring.RefreshAsync(CancellationToken.None);
                server.Clock.SetUtcNow(at + TimeSpan.FromMinutes(11));
                await ring.RefreshAsync(CancellationToken.None);
            }

            foreach (var days in new[] { 3, 100, 363 })
            {
                await RotateAtAsync(start + TimeSpan.FromDays(days - 1.5));
                await RotateAtAsync(start + TimeSpan.FromDays(days));
                Assert.DoesNotContain(oldKid, await JwksKidsAsync(server));
                var authenticated = await AuthenticateAsync(server, jwt);
                Assert.Equal(sessionId, SessionId(authenticated));
                Assert.NotEqual(oldKid, Kid(authenticated.Str("session_jwt")));
            }
        }, shared => new WrappedServerFixture(shared, fakeClock: true, settings: HourlyRotation));
}
