using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;
using static SessionFunctions.Tests.KeyVault.FakeKeyVault.Operation;

namespace SessionFunctions.Tests.KeyVault;

/// <summary>The Key Vault key store on its own, over real HTTP to a fresh <see cref="FakeKeyVault"/> per test.</summary>
public sealed class KeyVaultKeyStoreTests : IAsyncLifetime
{
    private static readonly IdFormat Ids = new("project-test-" + Guid.NewGuid());
    private readonly FakeTokenCredential _credential = new();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private FakeKeyVault _vault = null!;

    public async Task InitializeAsync() => _vault = await FakeKeyVault.StartAsync();

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    private KeyVaultKeyStore Store(string? version = null, Uri? keyId = null) =>
        new(KeyVaultKeyId.Parse(keyId ?? new Uri(_vault.KeyId + (version is null ? "" : "/" + version))), _credential,
            Microsoft.Extensions.Options.Options.Create(new SigningOptions { RotationOverlapDays = 30 }), Ids, TimeProvider.System,
            NullLogger<KeyVaultKeyStore>.Instance);

    private static string Kid(string version) => KeyVaultKeyStore.KeyIdOf(Ids, version);

    [Fact]
    public async Task Disabled_expired_and_not_yet_valid_versions_are_neither_published_nor_used_to_sign()
    {
        var valid = _vault.AddVersion(_now.AddDays(-20));
        _vault.AddVersion(_now.AddDays(-1), enabled: false);
        _vault.AddVersion(_now.AddDays(-2), notBefore: _now.AddDays(1));
        _vault.AddVersion(_now.AddDays(-3), expires: _now.AddHours(-1));

        var keys = await Store().GetPublicKeysAsync(CancellationToken.None);

        Assert.Equal([Kid(valid)], keys.Select(k => k.KeyId));
    }

    [Fact]
    public async Task A_key_id_naming_a_version_signs_with_that_version_and_still_publishes_the_newest()
    {
        var pinned = _vault.AddVersion(_now.AddDays(-40));
        var newest = _vault.AddVersion(_now.AddDays(-1));
        var store = Store(version: pinned);

        var keys = await store.GetPublicKeysAsync(CancellationToken.None);
        var digest = SHA256.HashData("header.payload"u8);
        var signature = await store.SignDigestAsync(keys[0].KeyId, digest, CancellationToken.None);

        Assert.Equal([Kid(pinned), Kid(newest)], keys.Select(k => k.KeyId));
        using var rsa = RSA.Create(_vault.PublicKey(pinned));
        Assert.True(rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task A_key_id_naming_a_disabled_version_fails_with_a_message_naming_the_setting()
    {
        var disabled = _vault.AddVersion(_now.AddDays(-2), enabled: false);
        _vault.AddVersion(_now.AddDays(-1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store(version: disabled).GetPublicKeysAsync(CancellationToken.None));

        Assert.Contains("Signing__KeyVaultKeyId", error.Message);
        Assert.Contains(disabled, error.Message);
    }

    [Fact]
    public async Task Every_page_of_versions_is_read_and_each_version_only_once_per_process()
    {
        _vault.PageSize = 2;
        for (var day = 1; day <= 5; day++) _vault.AddVersion(_now.AddDays(-day));
        var store = Store();

        Assert.Equal(5, (await store.GetPublicKeysAsync(CancellationToken.None)).Count);
        Assert.Equal((3, 5, 5), (_vault.Count(ListVersions), _vault.Count(GetKey), _vault.Count(Sign))); // 3 pages; a certificate per version
        Assert.Equal(5, (await store.GetPublicKeysAsync(CancellationToken.None)).Count);
        Assert.Equal((6, 5, 5), (_vault.Count(ListVersions), _vault.Count(GetKey), _vault.Count(Sign)));
        Assert.Empty(_vault.Rejections);
    }

    [Fact]
    public async Task A_vault_signature_verifies_with_the_published_public_key()
    {
        _vault.AddVersion(_now.AddDays(-1));
        var store = Store();
        var key = (await store.GetPublicKeysAsync(CancellationToken.None))[0];
        var digest = SHA256.HashData("any signing input"u8);

        var signature = await store.SignDigestAsync(key.KeyId, digest, CancellationToken.None);

        using var rsa = RSA.Create(key.Parameters);
        Assert.True(rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Theory]
    [InlineData(31)]
    [InlineData(48)]
    [InlineData(0)]
    public async Task Only_32_byte_digests_are_sent_to_the_vault(int length)
    {
        _vault.AddVersion(_now.AddDays(-1));
        var store = Store();
        var key = (await store.GetPublicKeysAsync(CancellationToken.None))[0];
        var signs = _vault.Count(Sign);

        await Assert.ThrowsAsync<ArgumentException>(() => store.SignDigestAsync(key.KeyId, new byte[length], CancellationToken.None));

        Assert.Equal(signs, _vault.Count(Sign));
    }

    [Fact]
    public async Task A_kid_the_store_never_published_is_refused_without_asking_the_vault()
    {
        _vault.AddVersion(_now.AddDays(-1));
        var store = Store();
        await store.GetPublicKeysAsync(CancellationToken.None);
        var signs = _vault.Count(Sign);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.SignDigestAsync(Kid(new string('a', 32)), new byte[32], CancellationToken.None));

        Assert.Equal(signs, _vault.Count(Sign));
    }

    [Fact]
    public async Task A_vault_that_refuses_to_list_the_versions_fails_the_load_as_server_unavailable()
    {
        _vault.AddVersion(_now.AddDays(-1));
        _vault.Answer(ListVersions, 403);

        var error = await Assert.ThrowsAsync<SessionException>(() => Store().GetPublicKeysAsync(CancellationToken.None));

        Assert.Equal(ErrorTypes.ServerUnavailable, error.Type);
        Assert.Contains("refused to list the key versions (HTTP 403)", error.Message);
    }

    [Fact]
    public async Task A_plain_http_vault_address_that_is_not_loopback_gets_no_token()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Store(keyId: new Uri("http://vault.example/keys/session-signing")).GetPublicKeysAsync(CancellationToken.None));

        Assert.Contains("TLS", error.Message);
        Assert.Empty(_credential.Scopes);
    }
}
