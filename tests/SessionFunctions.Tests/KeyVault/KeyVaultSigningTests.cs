using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SessionFunctions.Tests.Infrastructure;
using static SessionFunctions.Tests.KeyVault.FakeKeyVault.Operation;
using B64 = System.Buffers.Text.Base64Url;

namespace SessionFunctions.Tests.KeyVault;

/// <summary>Session JWTs signed by a Key Vault key, over real HTTP to the server and from the server to the (fake) vault.</summary>
public sealed class KeyVaultSigningTests(KeyVaultServerFixture server) : IClassFixture<KeyVaultServerFixture>
{
    private string JwksPath => $"/v1/b2b/sessions/jwks/{server.ProjectId}";

    [Fact]
    public async Task A_migrated_session_jwt_is_signed_in_key_vault_and_verifies_against_the_served_jwks()
    {
        var signs = server.Vault.Count(Sign);

        var (_, _, call) = await server.NewSessionAsync();

        var token = await Jwts.VerifyAgainstJwksAsync(server, call.Str("session_jwt"));
        Assert.Equal($"jwk-test-{server.SigningVersion}", token.Kid);
        Assert.Equal(signs + 1, server.Vault.Count(Sign));
        Assert.Equal(1, call.Cost("signatures"));
        Assert.Empty(server.Vault.Rejections);
    }

    [Fact]
    public async Task The_jwks_publishes_the_vault_key_with_a_certificate_that_key_signed()
    {
        var key = Assert.Single((await server.GetAsync(JwksPath, server.Anonymous)).AssertOk().Json.GetProperty("keys").EnumerateArray());
        var expected = server.Vault.PublicKey(server.SigningVersion);

        Assert.Equal(server.KidOf(server.SigningVersion), key.GetProperty("kid").GetString());
        Assert.Equal(B64.EncodeToString(expected.Modulus), key.GetProperty("n").GetString());
        Assert.Equal(B64.EncodeToString(expected.Exponent), key.GetProperty("e").GetString());
        var der = Convert.FromBase64String(Assert.Single(key.GetProperty("x5c").EnumerateArray()).GetString()!);
        Assert.Equal(B64.EncodeToString(SHA256.HashData(der)), key.GetProperty("x5tS256").GetString());
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        using var publicKey = certificate.GetRSAPublicKey()!;
        Assert.Equal(expected.Modulus, publicKey.ExportParameters(false).Modulus);
        Assert.True(SignatureVerifies(der, publicKey), "the certificate is not signed by its own (vault) key");
    }

    [Fact]
    public async Task The_jwks_is_served_from_memory_without_asking_the_vault()
    {
        var before = (server.Vault.Count(ListVersions), server.Vault.Count(GetKey), server.Vault.Count(Sign));

        for (var i = 0; i < 20; i++) (await server.GetAsync(JwksPath, server.Anonymous)).AssertOk();

        Assert.Equal(before, (server.Vault.Count(ListVersions), server.Vault.Count(GetKey), server.Vault.Count(Sign)));
    }

    [Fact]
    public async Task The_vault_is_called_with_a_bearer_token_for_the_key_vault_scope()
    {
        await server.NewSessionAsync();

        Assert.NotEmpty(server.Credential.Scopes);
        Assert.All(server.Credential.Scopes, scope => Assert.Equal("https://vault.azure.net/.default", scope));
        Assert.Empty(server.Vault.Rejections); // every request carried "Authorization: Bearer <token>" and api-version=7.4
        Assert.DoesNotContain(server.Logs.Lines, line => line.Contains(FakeKeyVault.AccessToken));
    }

    [Fact]
    public async Task A_429_with_retry_after_is_retried_after_the_pause_and_migrate_succeeds()
    {
        var (organizationId, email) = await MemberAsync();
        var signs = server.Vault.Count(Sign);
        server.Vault.Answer(Sign, 429, retryAfter: TimeSpan.FromSeconds(1));

        var call = (await server.MigrateAsync(organizationId, email)).AssertOk();

        await Jwts.VerifyAgainstJwksAsync(server, call.Str("session_jwt"));
        var attempts = server.Vault.Arrivals(Sign).Skip(signs).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1] - attempts[0] >= TimeSpan.FromSeconds(0.9), $"retried after {attempts[1] - attempts[0]}, before Retry-After");
        Assert.Equal(1, call.Cost("signatures"));
    }

    [Fact]
    public async Task Throttling_that_outlasts_the_retries_is_a_503_and_stores_nothing()
    {
        var (organizationId, email) = await MemberAsync();
        var signs = server.Vault.Count(Sign);
        server.Vault.Answer(Sign, 429, times: 4);

        (await StoresNothingAsync(() => server.MigrateAsync(organizationId, email))).AssertError(503, "server_unavailable");

        Assert.Equal(signs + 4, server.Vault.Count(Sign)); // the first try and three retries
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_retry_budget_is_not_waited_for()
    {
        var (organizationId, email) = await MemberAsync();
        var signs = server.Vault.Count(Sign);
        server.Vault.Answer(Sign, 429, retryAfter: TimeSpan.FromSeconds(60));
        var started = DateTimeOffset.UtcNow;

        (await StoresNothingAsync(() => server.MigrateAsync(organizationId, email))).AssertError(503, "server_unavailable");

        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(10), "waited for a 60 s Retry-After");
        Assert.Equal(signs + 1, server.Vault.Count(Sign));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_vault_that_refuses_the_identity_gives_a_503_and_stores_nothing(int status)
    {
        var (organizationId, email) = await MemberAsync();
        var signs = server.Vault.Count(Sign);
        server.Vault.Answer(Sign, status);

        var call = await StoresNothingAsync(() => server.MigrateAsync(organizationId, email));

        call.AssertError(503, "server_unavailable");
        Assert.Contains($"refused to sign (HTTP {status})", call.Str("error_message"));
        Assert.Equal(signs + 1, server.Vault.Count(Sign)); // a refusal is not retried
        Assert.DoesNotContain(FakeKeyVault.AccessToken, call.Raw);
        Assert.Contains(server.Logs.Lines, line => line.Contains($"HTTP {status}") && line.Contains("Key Vault Crypto User"));
        Assert.DoesNotContain(server.Logs.Lines, line => line.Contains(FakeKeyVault.AccessToken));
    }

    private async Task<(string OrganizationId, string Email)> MemberAsync()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"kv-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email);
        return (organizationId, email);
    }

    private async Task<ApiCall> StoresNothingAsync(Func<Task<ApiCall>> migrate)
    {
        var before = await server.AllRowsAsync();
        var call = await migrate();
        Assert.Equal(before, await server.AllRowsAsync());
        return call;
    }

    /// <summary>Checks an X.509 certificate's signature over its to-be-signed part with <paramref name="key"/>.</summary>
    private static bool SignatureVerifies(byte[] der, RSA key)
    {
        var certificate = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var toBeSigned = certificate.ReadEncodedValue();
        certificate.ReadSequence(); // signatureAlgorithm
        var signature = certificate.ReadBitString(out _);
        return key.VerifyData(toBeSigned.Span, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }
}
