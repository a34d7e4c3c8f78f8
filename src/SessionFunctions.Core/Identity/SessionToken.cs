using System.Buffers.Text;
using System.Security.Cryptography;

namespace SessionFunctions.Core.Identity;

/// <summary>
/// What a token's selector names. <see cref="Member"/> is null in tokens of the first format, which lacked it;
/// <see cref="NextToMember"/> is true for tokens of sessions stored next to their member (the current format).
/// </summary>
public readonly record struct TokenSelector(Guid Organization, Guid Session, Guid? Member, bool NextToMember = false);

/// <summary>
/// The opaque session token: URL-safe base64 (no padding) of 81 bytes, a 49-byte selector (a format byte, then the
/// organization, member and session keys) followed by 32 bytes (256 bits) from the OS CSPRNG: 108 characters. The
/// selector names the session's row (next to its member, in the member's partition), so authenticate reads the member
/// and the session with one range read; the random part is what makes the token a secret. Only <see cref="Hash"/> of
/// the token is ever stored. Tokens of the two earlier formats still parse, for sessions stored in their organization's
/// partition: 107 characters (80 bytes: organization, member and session keys, then the secret) and 86 characters (64
/// bytes: organization and session keys only).
/// </summary>
public static class SessionToken
{
    private const int SecretBytes = 32;
    private const byte NextToMemberFormat = 1;
    private const int SelectorBytes = 49, TotalBytes = SelectorBytes + SecretBytes;
    private const int MemberSelectorBytes = 48, MemberTotalBytes = MemberSelectorBytes + SecretBytes;
    private const int LegacySelectorBytes = 32, LegacyTotalBytes = LegacySelectorBytes + SecretBytes;
    public const int Length = 108;        // base64url of 81 bytes
    public const int MemberLength = 107;  // base64url of 80 bytes, unpadded (the second format)
    public const int LegacyLength = 86;   // base64url of 64 bytes, unpadded (the first format)

    public static string Create(Guid organization, Guid member, Guid session)
    {
        Span<byte> raw = stackalloc byte[TotalBytes];
        raw[0] = NextToMemberFormat;
        organization.TryWriteBytes(raw[1..17]);
        member.TryWriteBytes(raw[17..33]);
        session.TryWriteBytes(raw[33..49]);
        RandomNumberGenerator.Fill(raw[SelectorBytes..]);
        var token = Base64Url.EncodeToString(raw);
        CryptographicOperations.ZeroMemory(raw);
        return token;
    }

    /// <summary>Reads the keys from a token's selector. False for anything not shaped like a token of any format.</summary>
    public static bool TryParse(string? token, out TokenSelector selector)
    {
        selector = default;
        var total = token?.Length switch { Length => TotalBytes, MemberLength => MemberTotalBytes, LegacyLength => LegacyTotalBytes, _ => 0 };
        if (total == 0) return false;
        Span<byte> raw = stackalloc byte[TotalBytes];
        if (Base64Url.DecodeFromChars(token, raw, out var consumed, out var written) != System.Buffers.OperationStatus.Done
            || consumed != token!.Length || written != total)
            return false;
        switch (total)
        {
            case TotalBytes when raw[0] != NextToMemberFormat:
                return false;
            case TotalBytes:
                selector = new TokenSelector(new Guid(raw[1..17]), new Guid(raw[33..49]), new Guid(raw[17..33]), NextToMember: true);
                return true;
            case MemberTotalBytes:
                selector = new TokenSelector(new Guid(raw[..16]), new Guid(raw[32..48]), new Guid(raw[16..32]));
                return true;
            default:
                selector = new TokenSelector(new Guid(raw[..16]), new Guid(raw[16..32]), null);
                return true;
        }
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
