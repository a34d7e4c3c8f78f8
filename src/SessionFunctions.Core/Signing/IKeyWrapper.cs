namespace SessionFunctions.Core.Signing;

/// <summary>
/// The key-encryption key that protects stored signing keys: a Key Vault key (<see cref="KeyVaultKeyWrapper"/>) or, for
/// development and tests, a local PEM standing in for it (<see cref="LocalPemKeyWrapper"/>). Both wrap a 32-byte data
/// key with RSA-OAEP-256; the signing key itself is encrypted with that data key (<see cref="KeyEnvelope"/>), because
/// RSA-OAEP-256 with a 2048-bit key can wrap at most 190 bytes.
/// </summary>
public interface IKeyWrapper
{
    /// <summary>Wraps <paramref name="dataKey"/>; returns the wrapped bytes and the id of the exact key (version) that wrapped them.</summary>
    Task<(byte[] Wrapped, string WrappingKeyId)> WrapAsync(byte[] dataKey, CancellationToken ct);

    /// <summary>Unwraps with the key <paramref name="wrappingKeyId"/> names (as <see cref="WrapAsync"/> returned it).</summary>
    Task<byte[]> UnwrapAsync(byte[] wrapped, string wrappingKeyId, CancellationToken ct);
}
