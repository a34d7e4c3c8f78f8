using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
        _rsa = LoadOrCreate(options.Value.LocalKeyPath);
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        using var certificate = SigningCertificate.Create(_rsa, X509SignatureGenerator.CreateForRSA(_rsa, RSASignaturePadding.Pkcs1));
        _public = new PublicSigningKey(ids.NewJwkId(new Guid(SigningCertificate.Thumbprint(parameters).AsSpan(0, 16))), parameters, certificate.RawData);
    }

    public string Signer => "local";

    public Task<IReadOnlyList<PublicSigningKey>> GetPublicKeysAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<PublicSigningKey>>([_public]);

    public Task<byte[]> SignDigestAsync(string keyId, byte[] digest, CancellationToken ct)
    {
        if (keyId != _public.KeyId) throw new InvalidOperationException($"Unknown signing key '{keyId}'.");
        return Task.FromResult(_rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    public void Dispose() => _rsa.Dispose();

    private static RSA LoadOrCreate(string path)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            try
            {
                rsa.ImportFromPem(File.ReadAllText(path));
                rsa.ExportParameters(includePrivateParameters: true); // a PEM with only a public key fails here
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                rsa.Dispose();
                throw new InvalidOperationException($"Signing__LocalKeyPath '{path}' holds no readable PEM RSA private key.", e);
            }
            if (rsa.KeySize < 2048) throw new InvalidOperationException($"Signing__LocalKeyPath '{path}' holds a {rsa.KeySize}-bit key; at least 2048 bits are required.");
            return rsa;
        }
        rsa.KeySize = 2048;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, fileOptions))
        using (var writer = new StreamWriter(stream))
            writer.Write(rsa.ExportPkcs8PrivateKeyPem());
        try
        {
            File.Move(temporary, path); // no overwrite: if another process created the key first, use theirs
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            rsa.Dispose();
            return LoadOrCreate(path);
        }
        return rsa;
    }
}
