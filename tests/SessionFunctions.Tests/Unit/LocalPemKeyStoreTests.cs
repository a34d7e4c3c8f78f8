using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;

namespace SessionFunctions.Tests.Unit;

public sealed class LocalPemKeyStoreTests : IDisposable
{
    private static readonly IdFormat Ids = new("project-test-" + Guid.NewGuid());
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static LocalPemKeyStore Open(string path) =>
        new(Microsoft.Extensions.Options.Options.Create(new SigningOptions { LocalKeyPath = path }), Ids);

    private static async Task<PublicSigningKey> PublicKeyAsync(LocalPemKeyStore store) =>
        Assert.Single(await store.GetPublicKeysAsync(CancellationToken.None));

    [Fact]
    public async Task A_missing_key_file_is_created_as_a_2048_bit_pkcs8_pem()
    {
        var path = _temp.File("nested/dir/signing-key.pem");

        using var store = Open(path);

        Assert.True(File.Exists(path));
        var pem = await File.ReadAllTextAsync(path);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        Assert.Equal(2048, rsa.KeySize);
        Assert.Equal(rsa.ExportParameters(false).Modulus, (await PublicKeyAsync(store)).Parameters.Modulus);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_created_key_file_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes only
        var path = _temp.File("signing-key.pem");

        using var store = Open(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_uses_the_same_key_and_kid()
    {
        var path = _temp.File("signing-key.pem");
        using var first = Open(path);
        var pem = await File.ReadAllTextAsync(path);

        using var second = Open(path);

        var a = await PublicKeyAsync(first);
        var b = await PublicKeyAsync(second);
        Assert.Equal(a.KeyId, b.KeyId);
        Assert.Equal(a.Parameters.Modulus, b.Parameters.Modulus);
        Assert.Equal(pem, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Two_key_files_have_different_kids()
    {
        using var first = Open(_temp.File("a.pem"));
        using var second = Open(_temp.File("b.pem"));

        Assert.NotEqual((await PublicKeyAsync(first)).KeyId, (await PublicKeyAsync(second)).KeyId);
    }

    [Fact]
    public async Task The_kid_derives_from_the_rfc_7638_thumbprint()
    {
        using var store = Open(_temp.File("signing-key.pem"));
        var key = await PublicKeyAsync(store);

        var thumbprint = SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{{\"e\":\"{Base64Url.EncodeToString(key.Parameters.Exponent)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.EncodeToString(key.Parameters.Modulus)}\"}}"));

        Assert.Equal(Ids.NewJwkId(new Guid(thumbprint.AsSpan(0, 16))), key.KeyId);
        Assert.StartsWith("jwk-test-", key.KeyId);
    }

    [Fact]
    public void The_thumbprint_matches_the_rfc_7638_example()
    {
        // RFC 7638 section 3.1.
        var parameters = new RSAParameters
        {
            Modulus = Base64Url.DecodeFromChars(
                "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"),
            Exponent = Base64Url.DecodeFromChars("AQAB"),
        };

        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", Base64Url.EncodeToString(SigningCertificate.Thumbprint(parameters)));
    }

    [Fact]
    public async Task The_certificate_is_identical_across_constructions()
    {
        var path = _temp.File("signing-key.pem");
        using var first = Open(path);
        using var second = Open(path);

        var a = await PublicKeyAsync(first);
        var b = await PublicKeyAsync(second);

        Assert.NotEmpty(a.Certificate);
        Assert.Equal(a.Certificate, b.Certificate);
    }

    [Fact]
    public async Task The_certificates_public_key_is_the_jwks_n_and_e()
    {
        using var store = Open(_temp.File("signing-key.pem"));
        var key = await PublicKeyAsync(store);
        var jwk = Assert.Single(new KeySnapshot([key], DateTimeOffset.UnixEpoch).Jwks);

        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(Assert.Single(jwk.X5c)));
        using var certificateKey = certificate.GetRSAPublicKey()!;
        var p = certificateKey.ExportParameters(false);

        Assert.Equal(jwk.N, Base64Url.EncodeToString(p.Modulus));
        Assert.Equal(jwk.E, Base64Url.EncodeToString(p.Exponent));
        Assert.Equal("AQAB", jwk.E);
        Assert.Equal(Base64Url.EncodeToString(SHA256.HashData(certificate.RawData)), jwk.X5tS256);
        Assert.Equal(jwk.Kid, key.KeyId);
        Assert.Equal("CN=SessionFunctions session signing key", certificate.Subject);
        Assert.Equal(certificate.Subject, certificate.Issuer);
    }

    [Fact]
    public async Task An_existing_pkcs1_key_is_used()
    {
        var path = _temp.File("pkcs1.pem");
        using var rsa = RSA.Create(2048);
        await File.WriteAllTextAsync(path, rsa.ExportRSAPrivateKeyPem());

        using var store = Open(path);

        Assert.Equal(rsa.ExportParameters(false).Modulus, (await PublicKeyAsync(store)).Parameters.Modulus);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a key at all")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")]
    public async Task A_file_that_holds_no_pem_key_is_refused_naming_the_setting(string content)
    {
        var path = _temp.File("signing-key.pem");
        await File.WriteAllTextAsync(path, content);

        var e = Assert.Throws<InvalidOperationException>(() => Open(path));

        Assert.Contains("Signing__LocalKeyPath", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public async Task A_pem_with_a_corrupt_body_is_refused_naming_the_setting()
    {
        var path = _temp.File("signing-key.pem");
        await File.WriteAllTextAsync(path, "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n");

        var e = Assert.Throws<InvalidOperationException>(() => Open(path));

        Assert.Contains("Signing__LocalKeyPath", e.Message);
    }

    [Fact]
    public async Task A_pem_holding_only_a_public_key_is_refused_naming_the_setting()
    {
        var path = _temp.File("signing-key.pem");
        using var rsa = RSA.Create(2048);
        await File.WriteAllTextAsync(path, rsa.ExportSubjectPublicKeyInfoPem());

        var e = Assert.Throws<InvalidOperationException>(() => Open(path));

        Assert.Contains("Signing__LocalKeyPath", e.Message);
    }

    [Fact]
    public async Task A_1024_bit_key_is_refused_naming_the_setting()
    {
        var path = _temp.File("weak.pem");
        using var rsa = RSA.Create(1024);
        await File.WriteAllTextAsync(path, rsa.ExportPkcs8PrivateKeyPem());

        var e = Assert.Throws<InvalidOperationException>(() => Open(path));

        Assert.Contains("Signing__LocalKeyPath", e.Message);
        Assert.Contains("1024", e.Message);
    }

    [Fact]
    public async Task A_signature_verifies_with_the_public_key()
    {
        using var store = Open(_temp.File("signing-key.pem"));
        var key = await PublicKeyAsync(store);
        var digest = SHA256.HashData("hello"u8);

        var signature = await store.SignDigestAsync(key.KeyId, digest, CancellationToken.None);

        using var verifier = RSA.Create(key.Parameters);
        Assert.True(verifier.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task Signing_with_an_unknown_kid_is_refused()
    {
        using var store = Open(_temp.File("signing-key.pem"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SignDigestAsync("jwk-test-unknown", new byte[32], CancellationToken.None));
    }
}
