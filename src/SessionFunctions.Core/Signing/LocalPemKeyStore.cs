using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Signs with an RSA key from a PEM file (PKCS#8 or PKCS#1), created as a 2048-bit key with owner-only permissions on
/// first run. Its kid derives from the key's RFC 7638 thumbprint and its certificate is <see cref="SigningCertificate"/>,
/// so restarts and several instances serve the same JWKS.
/// </summary>
public sealed class LocalPemKeyStore : ISigningKeyStore, IDisposable
{
    private readonly RSA _rsa;
    private readonly PublicSigningKey _public;

    public LocalPemKeyStore(IOptions<SigningOptions> options, IdFormat ids)
    {
        _rsa = PemKeyFile.LoadOrCreate(options.Value.LocalKeyPath, "Signing__LocalKeyPath");
        _public = SigningCertificate.Describe(_rsa, ids);
    }

    public string Kind => "local";

    public Task<IReadOnlyList<PublicSigningKey>> GetPublicKeysAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<PublicSigningKey>>([_public]);

    public Task<byte[]> SignDigestAsync(string keyId, byte[] digest, CancellationToken ct)
    {
        if (keyId != _public.KeyId) throw new InvalidOperationException($"Unknown signing key '{keyId}'.");
        return Task.FromResult(_rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public void Dispose() => _rsa.Dispose();
}
