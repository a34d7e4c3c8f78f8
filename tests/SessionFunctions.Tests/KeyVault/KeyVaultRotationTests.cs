using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using SessionFunctions.Core.Signing;
using SessionFunctions.Tests.Infrastructure;
using static SessionFunctions.Tests.KeyVault.FakeKeyVault.Operation;
using B64 = System.Buffers.Text.Base64Url;

namespace SessionFunctions.Tests.KeyVault;

/// <summary>A new key version in the vault: new JWTs use it, JWTs of the old one keep working for the overlap, then it goes.</summary>
public sealed class KeyVaultRotationTests
{
    private const string Authenticate = "/v1/b2b/sessions/authenticate";

    [Fact]
    public async Task After_a_rotation_new_jwts_carry_the_new_kid_and_jwts_of_the_old_version_still_authenticate() =>
        await KeyVaultServerFixture.RunAsync(async server =>
        {
            var (_, _, first) = await server.NewSessionAsync();
            var oldJwt = first.Str("session_jwt");
            var oldKid = server.KidOf(server.SigningVersion);
            var newVersion = server.Vault.AddVersion(DateTimeOffset.UtcNow);

            await server.Service<SigningKeyRing>().RefreshAsync(CancellationToken.None);
            var (_, _, second) = await server.NewSessionAsync();

            Assert.Equal(server.KidOf(newVersion), (await Jwts.VerifyAgainstJwksAsync(server, second.Str("session_jwt"))).Kid);
            Assert.Equal(oldKid, (await Jwts.VerifyAgainstJwksAsync(server, oldJwt)).Kid);
            var authenticated = (await server.PostAsync(Authenticate, new { session_jwt = oldJwt })).AssertOk();
            Assert.Equal(SessionId(first), SessionId(authenticated));
            Assert.Equal(server.KidOf(newVersion), new JsonWebToken(authenticated.Str("session_jwt")).Kid);
            Assert.Equal([server.KidOf(newVersion), oldKid], await JwksKidsAsync(server));
            Assert.Empty(server.Vault.Rejections);
        });

    [Fact]
    public async Task A_jwt_signed_by_a_version_this_instance_has_not_loaded_yet_authenticates_after_one_refresh() =>
        await KeyVaultServerFixture.RunAsync(async server =>
        {
            var (_, _, call) = await server.NewSessionAsync();
            var rotated = server.Vault.AddVersion(DateTimeOffset.UtcNow); // another instance rotated first and signed with it
            var jwt = Resign(call.Str("session_jwt"), server.KidOf(rotated), data => server.Vault.SignWith(rotated, data));
            var listings = server.Vault.Count(ListVersions);

            var authenticated = (await server.PostAsync(Authenticate, new { session_jwt = jwt })).AssertOk();

            Assert.Equal(SessionId(call), SessionId(authenticated));
            Assert.Equal(listings + 1, server.Vault.Count(ListVersions));
            Assert.Equal([server.KidOf(rotated), server.KidOf(server.SigningVersion)], await JwksKidsAsync(server));
        });

    [Fact]
    public async Task A_rotated_out_version_stays_published_for_the_overlap_and_then_drops_out()
    {
        var now = DateTimeOffset.UtcNow;
        var old = "";
        await KeyVaultServerFixture.RunAsync(async server =>
        {
            var ring = server.Service<SigningKeyRing>();
            Assert.Equal([server.KidOf(server.SigningVersion), server.KidOf(old)], await JwksKidsAsync(server));

            server.Clock!.Advance(TimeSpan.FromDays(28)); // its successor is 29 days old: still within the 30-day overlap
            await ring.RefreshAsync(CancellationToken.None);
            Assert.Equal([server.KidOf(server.SigningVersion), server.KidOf(old)], await JwksKidsAsync(server));

            server.Clock.Advance(TimeSpan.FromDays(1)); // 30 days: the overlap is over
            await ring.RefreshAsync(CancellationToken.None);
            Assert.Equal([server.KidOf(server.SigningVersion)], await JwksKidsAsync(server));
        },
        seed: vault =>
        {
            old = vault.AddVersion(now.AddDays(-100));
            return vault.AddVersion(now.AddDays(-1));
        },
        fakeClock: true);
    }

    [Fact]
    public async Task A_version_whose_successor_is_older_than_the_overlap_is_not_published()
    {
        var now = DateTimeOffset.UtcNow;
        string oldest = "", middle = "";
        await KeyVaultServerFixture.RunAsync(async server =>
        {
            Assert.Equal([server.KidOf(server.SigningVersion), server.KidOf(middle)], await JwksKidsAsync(server));
            Assert.DoesNotContain(server.KidOf(oldest), await JwksKidsAsync(server));
        },
        seed: vault =>
        {
            oldest = vault.AddVersion(now.AddDays(-100));
            middle = vault.AddVersion(now.AddDays(-40)); // replaced 10 days ago: still published
            return vault.AddVersion(now.AddDays(-10));   // the oldest was replaced 40 days ago: gone
        });
    }

    private static string? SessionId(ApiCall call) => call.Json.GetProperty("member_session").GetProperty("member_session_id").GetString();

    private static async Task<List<string?>> JwksKidsAsync(ServerFixture server) =>
        [.. (await server.GetAsync($"/v1/b2b/sessions/jwks/{server.ProjectId}", server.Anonymous)).AssertOk()
            .Json.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString())];

    /// <summary>The same claims under a new header kid, signed by <paramref name="sign"/>.</summary>
    private static string Resign(string jwt, string kid, Func<byte[], byte[]> sign)
    {
        var header = B64.EncodeToString(Encoding.UTF8.GetBytes($"{{\"alg\":\"RS256\",\"kid\":\"{kid}\",\"typ\":\"JWT\"}}"));
        var signingInput = header + "." + jwt.Split('.')[1];
        return signingInput + "." + B64.EncodeToString(sign(Encoding.ASCII.GetBytes(signingInput)));
    }
}
