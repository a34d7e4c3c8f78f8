using System.Buffers.Text;
using System.Security.Cryptography;

namespace SessionFunctions.Core.Identity;

/// <summary>What a token's selector names. <see cref="Member"/> is null in tokens of the first format, which lacked it.</summary>
public readonly record struct TokenSelector(Guid Organization, Guid Session, Guid? Member);

/// <summary>
/// The opaque session token: URL-safe base64 (no padding) of 80 bytes, a 48-byte selector (organization, member and
/// session keys) followed by 32 bytes (256 bits) from the OS CSPRNG. The selector lets authenticate read the session
/// and its member with two concurrent point reads; the random part is what makes the token a secret. Only
/// <see cref="Hash"/> of the token is ever stored. Tokens of the first format (64 bytes: organization and session keys
/// only, 86 characters) still parse, so sessions issued before the member key was added stay valid.
/// </summary>
public static class SessionToken
{
    private const int SecretBytes = 32;
    private const int SelectorBytes = 48, TotalBytes = SelectorBytes + SecretBytes;
    private const int LegacySelectorBytes = 32, LegacyTotalBytes = LegacySelectorBytes + SecretBytes;
    public const int Length = 107;       // base64url of 80 bytes, unpadded
    public const int LegacyLength = 86;  // base64url of 64 bytes, unpadded

    public static string Create(Guid organization, Guid member, Guid session)
    {
        Span<byte> raw = stackalloc byte[TotalBytes];
        organization.TryWriteBytes(raw[..16]);
        member.TryWriteBytes(raw[16..32]);
        session.TryWriteBytes(raw[32..48]);
        RandomNumberGenerator.Fill(raw[SelectorBytes..]);
        var token = Base64Url.EncodeToString(raw);
        CryptographicOperations.ZeroMemory(raw);
        return token;
    }

    /// <summary>Reads the keys from a token's selector. False for anything not shaped like a token of either format.</summary>
    public static bool TryParse(string? token, out TokenSelector selector)
    {
        selector = default;
        var total = token?.Length switch { Length => TotalBytes, LegacyLength => LegacyTotalBytes, _ => 0 };
        if (total == 0) return false;
        Span<byte> raw = stackalloc byte[TotalBytes];
        if (Base64Url.DecodeFromChars(token, raw, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token!.Length || written != total)
            return false;
        selector = total == TotalBytes
            ? new TokenSelector(new Guid(raw[..16]), new Guid(raw[32..48]), new Guid(raw[16..32]))
            : new TokenSelector(new Guid(raw[..16]), new Guid(raw[16..32]), null);
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
