using System.Buffers.Text;
using Azure.Core;
using Microsoft.Extensions.Logging;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Wraps and unwraps data keys with a Key Vault RSA key (<c>Signing__WrappingKeyId</c>): <c>wrapkey</c> and
/// <c>unwrapkey</c> with RSA-OAEP-256 over the REST API. The private half of the wrapping key never leaves the vault.
/// A versionless id wraps with the key's current version (one <c>GET</c> to learn it; wrapping happens once per
/// rotation); unwrapping always names the version that wrapped, so rotating the wrapping key in Key Vault keeps
/// older rows readable. Needs only the Key Vault Crypto Service Encryption User role (keys: get, wrapKey, unwrapKey).
/// </summary>
public sealed class KeyVaultKeyWrapper(KeyVaultKeyId key, TokenCredential credential, ILogger<KeyVaultKeyWrapper> log) : IKeyWrapper
{
    private const string Algorithm = "RSA-OAEP-256";
    private const string RoleHint = " The app's identity needs the Key Vault Crypto Service Encryption User role on the wrapping key (keys: get, wrapKey, unwrapKey).";
    private readonly KeyVaultRestClient _vault = new(key, credential, RoleHint, log);

    public async Task<(byte[] Wrapped, string WrappingKeyId)> WrapAsync(byte[] dataKey, CancellationToken ct)
    {
        var version = key.Version ?? await CurrentVersionAsync(ct);
        var body = KeyVaultRestClient.Body(("alg", Algorithm), ("value", Base64Url.EncodeToString(dataKey)));
        using var json = await _vault.SendAsync(RequestMethod.Post, _vault.Resource($"/{version}/wrapkey"), body, "wrap a signing key", ct);
        return _vault.Read(json, "wrap a signing key", root =>
            _vault.VersionIn(root) == version ? (KeyVaultRestClient.Bytes(root, "value"), version) : throw new FormatException("Another key version wrapped."));
    }

    public async Task<byte[]> UnwrapAsync(byte[] wrapped, string wrappingKeyId, CancellationToken ct)
    {
        if (wrappingKeyId.Length != 32 || !wrappingKeyId.All(char.IsAsciiHexDigit))
            throw _vault.Unavailable("cannot unwrap a signing key wrapped by something else (Signing__WrappingKeyPath?)", null);
        var body = KeyVaultRestClient.Body(("alg", Algorithm), ("value", Base64Url.EncodeToString(wrapped)));
        using var json = await _vault.SendAsync(RequestMethod.Post, _vault.Resource($"/{wrappingKeyId}/unwrapkey"), body, "unwrap a signing key", ct);
        return _vault.Read(json, "unwrap a signing key", root => KeyVaultRestClient.Bytes(root, "value"));
    }

    private async Task<string> CurrentVersionAsync(CancellationToken ct)
    {
        using var json = await _vault.SendAsync(RequestMethod.Get, _vault.Resource(""), null, "read the wrapping key", ct);
        return _vault.Read(json, "read the wrapping key", root => _vault.VersionIn(root.GetProperty("key")));
    }
}
