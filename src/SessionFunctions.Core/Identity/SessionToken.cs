using System.Buffers.Text;
using System.Security.Cryptography;

namespace SessionFunctions.Core.Identity;

/// <summary>
/// The opaque session token: URL-safe base64 (no padding) of 64 bytes, a 32-byte selector (organization and session
/// keys) followed by 32 bytes (256 bits) from the OS CSPRNG. The selector lets authenticate find the session with one
/// point read; the random part is what makes the token a secret. Only <see cref="Hash"/> of the token is ever stored.
/// </summary>
public static class SessionToken
{
    private const int SelectorBytes = 32, SecretBytes = 32, TotalBytes = SelectorBytes + SecretBytes;
    public const int Length = 86; // base64url of 64 bytes, unpadded

    public static string Create(Guid organization, Guid session)
    {
        Span<byte> raw = stackalloc byte[TotalBytes];
        organization.TryWriteBytes(raw[..16]);
        session.TryWriteBytes(raw[16..32]);
        RandomNumberGenerator.Fill(raw[SelectorBytes..]);
        var token = Base64Url.EncodeToString(raw);
        CryptographicOperations.ZeroMemory(raw);
        return token;
    }

    /// <summary>Reads the organization and session keys from a token's selector. False for anything not shaped like a token.</summary>
    public static bool TryParse(string? token, out Guid organization, out Guid session)
    {
        organization = session = default;
        if (token is null || token.Length != Length) return false;
        Span<byte> raw = stackalloc byte[TotalBytes];
        if (Base64Url.DecodeFromChars(token, raw, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != Length || written != TotalBytes)
            return false;
        organization = new Guid(raw[..16]);
        session = new Guid(raw[16..32]);
        return true;
    }

    /// <summary>SHA-256 of the token's UTF-8 bytes: the only form in which a token is stored.</summary>
    public static byte[] Hash(string token)
    {
        var size = System.Text.Encoding.UTF8.GetByteCount(token);
        Span<byte> utf8 = size <= 256 ? stackalloc byte[size] : new byte[size];
        System.Text.Encoding.UTF8.GetBytes(token, utf8);
        return SHA256.HashData(utf8);
    }

    public static bool Matches(string token, ReadOnlySpan<byte> storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(token), storedHash);
}
