using System.Security.Cryptography;
using System.Text;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Core.Features;

/// <summary>
/// An <c>Idempotency-Key</c> header value and the keys derived from it with HKDF-SHA256, salted with a server secret
/// (<see cref="Salt"/>). Only the caller knows the key,
/// so what is stored under it is useless without it: the row is found by one derivation (<see cref="RowKey"/>), the
/// stored answer is sealed with AES-256-GCM under another, and the request fingerprint is an HMAC under a third.
/// The key itself is never stored or logged.
/// </summary>
public sealed class IdempotencyKey
{
    private readonly byte[] _sealKey, _fingerprintKey;

    private IdempotencyKey(string value, byte[] salt)
    {
        var ikm = Encoding.ASCII.GetBytes(value);
        RowKey = Storage.Keys.IdempotencyRowPrefix + Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, salt, "row"u8.ToArray()));
        _sealKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, salt, "seal"u8.ToArray());
        _fingerprintKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, salt, "fingerprint"u8.ToArray());
    }

    /// <summary>
    /// The HKDF salt: a server secret (derived from the project secret), so that someone who can read the table cannot
    /// test guesses of a caller's key offline; without it a guessable key would open a stored session token.
    /// </summary>
    public static byte[] Salt(string serverSecret) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(serverSecret), "SessionFunctions Idempotency-Key v1"u8);

    /// <summary>The row key of the record, in the organization's partition.</summary>
    public string RowKey { get; }

    /// <summary>
    /// 16 to 255 printable ASCII characters, optionally in double quotes (the draft sends a structured-field string).
    /// The lower bound keeps keys unguessable enough to protect what is sealed under them: use a UUID.
    /// </summary>
    public static IdempotencyKey Parse(string value, byte[] salt)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
        if (value.Length is < 16 or > 255 || value.Any(c => c is < '!' or > '~'))
            throw new SessionException(ErrorTypes.InvalidIdempotencyKey);
        return new IdempotencyKey(value, salt);
    }

    /// <summary>A keyed hash of the request's fields, each length-prefixed so no two requests share a fingerprint.</summary>
    public byte[] Fingerprint(params string?[] fields)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _fingerprintKey);
        foreach (var field in fields)
        {
            var bytes = field is null ? [] : Encoding.UTF8.GetBytes(field);
            hmac.AppendData(BitConverter.GetBytes(field is null ? -1 : bytes.Length));
            hmac.AppendData(bytes);
        }
        return hmac.GetHashAndReset();
    }

    /// <summary>nonce (12) | ciphertext | tag (16), bound to the row key.</summary>
    public byte[] Seal(byte[] plaintext)
    {
        var sealedBytes = new byte[12 + plaintext.Length + 16];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_sealKey, 16);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length), Encoding.ASCII.GetBytes(RowKey));
        return sealedBytes;
    }

    /// <summary>The plaintext, or null when the bytes were not sealed under this key.</summary>
    public byte[]? Open(byte[] sealedBytes)
    {
        if (sealedBytes.Length < 28) return null;
        var plaintext = new byte[sealedBytes.Length - 28];
        using var aes = new AesGcm(_sealKey, 16);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(12, plaintext.Length), sealedBytes.AsSpan(12 + plaintext.Length), plaintext, Encoding.ASCII.GetBytes(RowKey));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
