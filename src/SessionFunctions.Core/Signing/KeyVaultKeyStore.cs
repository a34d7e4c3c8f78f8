using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Signs session JWTs with an RSA key in Azure Key Vault, through Key Vault's REST API (api-version 7.4) on an Azure.Core
/// pipeline (<see cref="KeyVaultPipeline"/>). The private key never leaves the vault: each JWT costs one <c>sign</c> of its
/// SHA-256 digest. Public keys are read only when the key ring loads or refreshes: one listing of the versions (all pages),
/// then one read and one certificate signature per version this process has not seen yet (versions never change).
/// A version's JWT <c>kid</c> is <c>jwk-{env}-{version}</c>, so verifiers pick the right key after a rotation.
/// Whatever keeps the vault from answering (401/403, throttling past the retries, no connection, no token) becomes
/// <see cref="ErrorTypes.ServerUnavailable"/>: the API answers 503, and migrate, which signs before writing, stores nothing.
/// </summary>
public sealed class KeyVaultKeyStore(KeyVaultKeyId key, TokenCredential credential, IOptions<SigningOptions> options, IdFormat ids, TimeProvider time, ILogger<KeyVaultKeyStore> log)
    : ISigningKeyStore
{
    private const string RoleHint = " The app's identity needs the Key Vault Crypto User role on the vault (keys: list, get, sign).";
    private readonly KeyVaultRestClient _vault = new(key, credential, RoleHint, log);
    private readonly ConcurrentDictionary<string, (string Version, PublicSigningKey Key)> _loaded = new(StringComparer.Ordinal);

    public string Kind => "keyvault";

    /// <summary>The JWT kid of a key version.</summary>
    public static string KeyIdOf(IdFormat ids, string version) => $"jwk-{ids.Environment}-{version}";

    public async Task<IReadOnlyList<PublicSigningKey>> GetPublicKeysAsync(CancellationToken ct)
    {
        var versions = await ListVersionsAsync(ct);
        var now = time.GetUtcNow();
        var selected = KeyRotationWindow.Select(versions, key.Version, now, TimeSpan.FromDays(options.Value.RotationOverlapDays));
        var retired = SigningKeyRetention.Retired(selected, KeyRotationWindow.Select(versions, null, now, SigningKeyRetention.VerifyFor(options.Value)));
        var keys = new List<PublicSigningKey>(selected.Count + retired.Count);
        foreach (var version in selected)
            keys.Add(await LoadAsync(version.Version, withCertificate: true, ct));
        foreach (var version in retired)
            keys.Add(await LoadAsync(version.Version, withCertificate: false, ct) with { Published = false });
        return keys;
    }

    /// <summary>A version's public key, read once per process; a published one also gets its certificate (one more signature).</summary>
    private async Task<PublicSigningKey> LoadAsync(string version, bool withCertificate, CancellationToken ct)
    {
        var kid = KeyIdOf(ids, version);
        if (!_loaded.TryGetValue(kid, out var loaded) || withCertificate && loaded.Key.Certificate.Length == 0)
            _loaded[kid] = loaded = (version, await ReadPublicKeyAsync(kid, version, withCertificate, ct));
        return loaded.Key with { Published = true };
    }

    public async Task<byte[]> SignDigestAsync(string keyId, byte[] digest, CancellationToken ct)
    {
        if (digest.Length != SHA256.HashSizeInBytes) throw new ArgumentException("RS256 signs a 32-byte SHA-256 digest.", nameof(digest));
        if (!_loaded.TryGetValue(keyId, out var loaded)) throw new InvalidOperationException($"Unknown signing key '{keyId}'.");
        return await SignAsync(loaded.Version, digest, ct);
    }

    private async Task<List<KeyVaultKeyVersion>> ListVersionsAsync(CancellationToken ct)
    {
        var versions = new List<KeyVaultKeyVersion>();
        for (Uri? page = _vault.Resource("/versions"); page is not null;)
        {
            using var json = await _vault.SendAsync(RequestMethod.Get, page, null, "list the key versions", ct);
            page = _vault.Read(json, "list the key versions", root =>
            {
                foreach (var item in root.GetProperty("value").EnumerateArray())
                    if (KeyVaultKeyVersion.Read(item) is { } version) versions.Add(version);
                return root.TryGetProperty("nextLink", out var next) && next.GetString() is { Length: > 0 } link ? _vault.SameVault(new Uri(link)) : null;
            });
        }
        return versions;
    }

    private async Task<PublicSigningKey> ReadPublicKeyAsync(string kid, string version, bool withCertificate, CancellationToken ct)
    {
        using var json = await _vault.SendAsync(RequestMethod.Get, _vault.Resource("/" + version), null, "read the public key", ct);
        var (kty, parameters) = _vault.Read(json, "read the public key", root =>
        {
            var jwk = root.GetProperty("key");
            return (jwk.GetProperty("kty").GetString(), new RSAParameters
            {
                Modulus = KeyVaultRestClient.Bytes(jwk, "n").AsSpan().TrimStart((byte)0).ToArray(),
                Exponent = KeyVaultRestClient.Bytes(jwk, "e"),
            });
        });
        if (kty is not ("RSA" or "RSA-HSM"))
            throw new InvalidOperationException($"Key Vault key '{key.Name}' version {version} is of type {kty}; RS256 needs an RSA key.");
        if (parameters.Modulus!.Length * 8 < 2048)
            throw new InvalidOperationException($"Key Vault key '{key.Name}' version {version} has {parameters.Modulus.Length * 8} bits; at least 2048 are required.");
        var certificate = withCertificate ? await KeyVaultCertificate.CreateAsync(parameters, (digest, c) => SignAsync(version, digest, c), ct) : [];
        return new PublicSigningKey(kid, parameters, certificate);
    }

    private async Task<byte[]> SignAsync(string version, byte[] digest, CancellationToken ct)
    {
        var body = KeyVaultRestClient.Body(("alg", "RS256"), ("value", Base64Url.EncodeToString(digest)));
        using var json = await _vault.SendAsync(RequestMethod.Post, _vault.Resource($"/{version}/sign"), body, "sign", ct);
        return _vault.Read(json, "sign", root =>
        {
            // The vault answers with the versioned id of the key it used; anything else is not a signature we can publish.
            if (_vault.VersionIn(root) != version) throw new FormatException("The signature came from another key version.");
            return KeyVaultRestClient.Bytes(root, "value");
        });
    }
}
