using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Signing;

namespace SessionFunctions.Tests.KeyVault;

public sealed class KeyVaultKeyIdTests
{
    private const string Version = "0123456789abcdef0123456789ABCDEF";

    [Theory]
    [InlineData("https://myvault.vault.azure.net/keys/session-signing", "https://myvault.vault.azure.net/", "session-signing", null)]
    [InlineData("https://myvault.vault.azure.net/keys/session-signing/", "https://myvault.vault.azure.net/", "session-signing", null)]
    [InlineData("https://myvault.vault.azure.net/keys/session-signing/" + Version, "https://myvault.vault.azure.net/", "session-signing", Version)]
    [InlineData("https://myvault.vault.azure.net:443/keys/k1/" + Version + "/", "https://myvault.vault.azure.net/", "k1", Version)]
    [InlineData("https://myhsm.managedhsm.azure.net/keys/K-2", "https://myhsm.managedhsm.azure.net/", "K-2", null)]
    [InlineData("http://127.0.0.1:5123/keys/session-signing", "http://127.0.0.1:5123/", "session-signing", null)]
    public void A_key_id_splits_into_vault_name_and_optional_version(string id, string vault, string name, string? version)
    {
        var key = KeyVaultKeyId.Parse(new Uri(id));

        Assert.Equal(new Uri(vault), key.VaultUri);
        Assert.Equal(name, key.Name);
        Assert.Equal(version, key.Version);
    }

    [Theory]
    [InlineData("https://myvault.vault.azure.net/secrets/session-signing")]
    [InlineData("https://myvault.vault.azure.net/keys")]
    [InlineData("https://myvault.vault.azure.net/keys/")]
    [InlineData("https://myvault.vault.azure.net/keys/session_signing")]
    [InlineData("https://myvault.vault.azure.net/keys/session-signing/v1")]
    [InlineData("https://myvault.vault.azure.net/keys/session-signing/0123456789abcdef0123456789abcdeg")]
    [InlineData("https://myvault.vault.azure.net/keys/session-signing/" + Version + "/sign")]
    [InlineData("https://myvault.vault.azure.net/keys//session-signing")]
    [InlineData("https://myvault.vault.azure.net/keys/session-signing?api-version=7.4")]
    [InlineData("https://user@myvault.vault.azure.net/keys/session-signing")]
    [InlineData("ftp://myvault.vault.azure.net/keys/session-signing")]
    public void Anything_else_is_refused(string id)
    {
        Assert.False(KeyVaultKeyId.TryParse(new Uri(id), out _));
        Assert.Contains("Signing__KeyVaultKeyId", Assert.Throws<FormatException>(() => KeyVaultKeyId.Parse(new Uri(id))).Message);
    }

    [Fact]
    public void A_key_name_longer_than_127_characters_is_refused() =>
        Assert.False(KeyVaultKeyId.TryParse(new Uri("https://v.vault.azure.net/keys/" + new string('k', 128)), out _));

    [Fact]
    public void A_relative_or_missing_id_is_refused()
    {
        Assert.False(KeyVaultKeyId.TryParse(new Uri("keys/session-signing", UriKind.Relative), out _));
        Assert.False(KeyVaultKeyId.TryParse(null, out _));
    }

    [Fact]
    public void Requests_go_to_the_key_under_the_vault_with_the_api_version()
    {
        var key = KeyVaultKeyId.Parse(new Uri("https://myvault.vault.azure.net/keys/session-signing/" + Version));

        Assert.Equal("https://myvault.vault.azure.net/keys/session-signing/versions?api-version=7.4", key.Resource("/versions", "7.4").AbsoluteUri);
        Assert.Equal($"https://myvault.vault.azure.net/keys/session-signing/{Version}/sign?api-version=7.4", key.Resource($"/{Version}/sign", "7.4").AbsoluteUri);
    }

    [Theory]
    [InlineData("project-test-00000000-0000-0000-0000-000000000000", "jwk-test-")]
    [InlineData("project-live-00000000-0000-0000-0000-000000000000", "jwk-live-")]
    public void The_jwt_kid_names_the_environment_and_the_key_version(string projectId, string prefix) =>
        Assert.Equal(prefix + Version, KeyVaultKeyStore.KeyIdOf(new IdFormat(projectId), Version));
}
