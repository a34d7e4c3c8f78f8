using System.Buffers.Text;
using System.Security.Cryptography;
using Azure.Data.Tables;
using SessionFunctions.Core.Signing;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Signing;

/// <summary>Wrapped mode with the local PEM standing in for Key Vault: signing, and the private key at rest.</summary>
public sealed class WrappedSigningTests
{
    private static WrappedServerFixture Server(WrappedServerFixture? shared) => new(shared);

    [Fact]
    public async Task Jwts_verify_against_the_jwks_and_the_signer_says_it_is_wrapped() =>
        await WrappedServerFixture.RunAsync(async servers =>
        {
            var server = servers[0];
            var (_, memberId, session) = await server.NewSessionAsync();

            Assert.Equal(memberId, (await Jwts.VerifyAgainstJwksAsync(server, session.Str("session_jwt"))).Subject);
            Assert.Equal(1, session.Cost("signatures"));
            Assert.Equal("wrapped", server.Service<ISigningKeyStore>().Kind);
            var rows = await server.SigningKeyRowsAsync(); // one, or two when the next period's key is already published
            Assert.Equal(rows.Select(r => r.GetString("KeyId")).Order(), (await server.JwksAsync()).Keys.Order());
            Assert.Contains(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(session.Str("session_jwt")).Kid, rows.Select(r => r.GetString("KeyId")));
        }, Server);

    [Fact]
    public async Task The_private_key_is_stored_only_encrypted_and_never_reaches_the_jwks_or_the_logs() =>
        await WrappedServerFixture.RunAsync(async servers =>
        {
            var server = servers[0];
            await server.NewSessionAsync();
            var jwks = await server.GetAsync($"/v1/b2b/sessions/jwks/{server.ProjectId}", server.Anonymous);
            foreach (var row in await server.SigningKeyRowsAsync())
                AssertNothingReadable(server, row, jwks);
        }, Server);

    private static void AssertNothingReadable(WrappedServerFixture server, TableEntity row, ApiCall jwks)
    {
        using var key = server.OpenWithWrappingPem(row); // the row does hold the signing key...
        Assert.Contains(Base64Url.EncodeToString(key.ExportParameters(false).Modulus), jwks.Raw);

        var p = key.ExportParameters(includePrivateParameters: true); // ...but no part of it is readable anywhere
        var secrets = new[] { p.D!, p.P!, p.Q!, p.DP!, p.DQ!, p.InverseQ! }; // what a PKCS#8 or PEM copy would contain too
        var texts = secrets.SelectMany(s => new[] { Convert.ToBase64String(s)[..40], Base64Url.EncodeToString(s)[..40], Convert.ToHexString(s)[..40], Convert.ToHexStringLower(s)[..40] })
            .Append("PRIVATE KEY").ToList();
        foreach (var (name, value) in row)
        {
            if (value is byte[] bytes)
                Assert.DoesNotContain(secrets, s => bytes.AsSpan().IndexOf(s.AsSpan(0, 32)) >= 0);
            else if (value is string text)
                Assert.DoesNotContain(texts, t => text.Contains(t, StringComparison.Ordinal));
        }
        Assert.DoesNotContain(texts, t => jwks.Raw.Contains(t, StringComparison.Ordinal));
        Assert.All(jwks.Json.GetProperty("keys").EnumerateArray(), k => Assert.DoesNotContain(k.EnumerateObject(), property => property.Name is "d" or "p" or "q" or "dp" or "dq" or "qi"));
        Assert.DoesNotContain(server.Logs.Lines, line => texts.Any(t => line.Contains(t, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_second_instance_adopts_the_stored_key_and_each_verifies_the_others_jwts() =>
        await WrappedServerFixture.RunAsync(async servers =>
        {
            var (a, b) = (servers[0], servers[1]);
            var (organizationId, _, fromA) = await a.NewSessionAsync();
            var email = $"second-{Guid.NewGuid():N}@example.com";
            await a.NewMemberAsync(organizationId, email);
            var fromB = (await b.MigrateAsync(organizationId, email)).AssertOk();

            Assert.Equal(await a.JwksAsync(), await b.JwksAsync());
            Assert.Equal((await a.JwksAsync()).Count, (await a.SigningKeyRowsAsync()).Count);
            (await b.PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = fromA.Str("session_jwt") })).AssertOk();
            (await a.PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = fromB.Str("session_jwt") })).AssertOk();
        }, Server, Server);

    [Fact]
    public async Task A_row_whose_ciphertext_was_moved_to_another_row_does_not_open()
    {
        await WrappedServerFixture.RunAsync(async servers =>
        {
            var row = (await servers[0].SigningKeyRowsAsync())[0];
            var moved = new TableEntity(row) { RowKey = row.RowKey + "x" };

            Assert.ThrowsAny<CryptographicException>(() => servers[0].OpenWithWrappingPem(moved).Dispose());
        }, Server);
    }
}
