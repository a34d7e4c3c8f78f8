using System.Security.Cryptography;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Wraps data keys with RSA-OAEP-256 under a local PEM key (<c>Signing__WrappingKeyPath</c>), standing in for the Key
/// Vault key so that Wrapped mode, its rotation and several instances sharing one table run without Azure. Its id is
/// <c>pem:{thumbprint}</c>, so a row wrapped under another file is recognised and refused instead of failing obscurely.
/// </summary>
public sealed class LocalPemKeyWrapper : IKeyWrapper, IDisposable
{
    private readonly RSA _rsa;
    private readonly string _id;

    public LocalPemKeyWrapper(string path)
    {
        _rsa = PemKeyFile.LoadOrCreate(path, "Signing__WrappingKeyPath");
        _id = "pem:" + Convert.ToHexStringLower(SigningCertificate.Thumbprint(_rsa.ExportParameters(false)));
    }

    public Task<(byte[] Wrapped, string WrappingKeyId)> WrapAsync(byte[] dataKey, CancellationToken ct) =>
        Task.FromResult((_rsa.Encrypt(dataKey, RSAEncryptionPadding.OaepSHA256), _id));

    public Task<byte[]> UnwrapAsync(byte[] wrapped, string wrappingKeyId, CancellationToken ct)
    {
        if (wrappingKeyId != _id)
            throw new SessionException(ErrorTypes.ServerUnavailable, "Session signing is unavailable: the signing key was wrapped by another key than Signing__WrappingKeyPath holds.");
        try
        {
            return Task.FromResult(_rsa.Decrypt(wrapped, RSAEncryptionPadding.OaepSHA256));
        }
        catch (CryptographicException e)
        {
            throw new SessionException(ErrorTypes.ServerUnavailable, "Session signing is unavailable: the stored signing key could not be unwrapped.", e);
        }
    }

    public void Dispose() => _rsa.Dispose();
}
