using System.Security.Cryptography;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Envelope encryption of a signing key: its PKCS#8 bytes are encrypted with AES-256-GCM under a fresh random 32-byte
/// data key, and only the data key goes to the wrapping key (<see cref="IKeyWrapper"/>). The associated data binds the
/// ciphertext to the row it is stored in, so a row's ciphertext copied into another row does not decrypt.
/// </summary>
internal static class KeyEnvelope
{
    public const int DataKeySize = 32, NonceSize = 12, TagSize = 16;

    public sealed record Sealed(byte[] Nonce, byte[] Ciphertext, byte[] Tag);

    public static Sealed Seal(ReadOnlySpan<byte> plaintext, byte[] dataKey, ReadOnlySpan<byte> associatedData)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagSize];
        using var aes = new AesGcm(dataKey, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        return new Sealed(nonce, ciphertext, tag);
    }

    /// <summary>The plaintext; <see cref="CryptographicException"/> when the key, the bytes or the associated data differ.</summary>
    public static byte[] Open(Sealed sealedKey, byte[] dataKey, ReadOnlySpan<byte> associatedData)
    {
        if (dataKey.Length != DataKeySize || sealedKey.Nonce.Length != NonceSize || sealedKey.Tag.Length != TagSize)
            throw new CryptographicException("The stored signing key envelope is malformed.");
        var plaintext = new byte[sealedKey.Ciphertext.Length];
        using var aes = new AesGcm(dataKey, TagSize);
        aes.Decrypt(sealedKey.Nonce, sealedKey.Ciphertext, sealedKey.Tag, plaintext, associatedData);
        return plaintext;
    }
}
