using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// Every partition and row key in one place. User input never becomes a key as is: emails and external ids are
/// hashed, slugs are validated to a safe alphabet first, and ids are parsed before use.
/// </summary>
internal static class Keys
{
    /// <summary>Where organizations and their names were kept before they were spread over partitions (still read).</summary>
    public const string LegacyOrganizationsPartition = "organizations";

    /// <summary>An organization row's partition: <c>org|</c> and the first two hex digits of SHA-256 of its id (256 partitions).</summary>
    public static string OrganizationPartition(string organizationId) => "org|" + Hash(organizationId)[..2];
    /// <summary>A name index row's partition: <c>name|</c> and the first two hex digits of its hash (256 partitions).</summary>
    public static string OrganizationNamePartition(string nameRowKey) => "name|" + nameRowKey.Substring("name|".Length, 2);

    public static string Organization(string organizationId) => "id|" + organizationId;
    /// <summary>
    /// The one name index of organizations: slugs and external ids share it, compared with ASCII case folded, so a
    /// name can never lead to two organizations.
    /// </summary>
    public static string OrganizationName(string name) => "name|" + Hash(Identity.AsciiCase.Fold(name));

    public static string Member(Guid member) => "member|" + member.ToString("N");
    /// <summary>The member row of a parsed member id (its last 32 characters are the member key).</summary>
    public static string Member(string memberId) => "member|" + memberId[^32..];
    public static string Email(string normalizedEmail) => "email|" + Hash(normalizedEmail);
    public static string MemberExternalId(string externalId) => "extid|" + Hash(externalId);
    public static string Session(Guid session) => "session|" + session.ToString("N");
    /// <summary>The session row of a parsed member_session_id (its last 32 characters are the session key).</summary>
    public static string Session(string memberSessionId) => "session|" + memberSessionId[^32..];
    /// <summary>The session key a session row key (of either layout) holds: its last 32 characters.</summary>
    public static Guid SessionKeyOf(string sessionRowKey) => Guid.ParseExact(sessionRowKey.AsSpan(sessionRowKey.Length - 32), "N");
    /// <summary>Sessions of the first layout (<c>session|{key}</c>, in the organization's own partition).</summary>
    public const string SessionRangeStart = "session|", SessionRangeEnd = "session}";
    /// <summary>Idempotency-Key records: <c>idem|{HKDF of the key}</c> (see Features/IdempotencyKey).</summary>
    public const string IdempotencyRowPrefix = "idem|";

    /// <summary>
    /// A session stored next to its member (<c>member|{member}|session|{session}</c>, in the member's partition): the
    /// member row sorts first, then its sessions, so one range read returns a member with its sessions.
    /// </summary>
    public static string MemberSession(Guid member, Guid session) => MemberSessionsStart(member) + session.ToString("N");
    public static string MemberSessionsStart(Guid member) => Member(member) + "|session|";
    public static string MemberSessionsEnd(Guid member) => Member(member) + "|session}";
    /// <summary>True for a row key of a session stored next to its member.</summary>
    public static bool IsMemberSession(string rowKey) => rowKey.StartsWith("member|", StringComparison.Ordinal) && rowKey.Contains("|session|", StringComparison.Ordinal);

    /// <summary>Expiry buckets are whole UTC minutes, so a sweep reads only the partitions that are already due.</summary>
    public static string ExpiryBucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    /// <summary>How many partitions one expiry minute is spread over (see <see cref="ExpiryPartition"/>).</summary>
    public const int ExpiryShards = 16;

    /// <summary>
    /// The expiry index partition of a session: its minute, a dash and a shard (one hex digit) taken from the session's
    /// random key, so the sessions due in one minute spread evenly over <see cref="ExpiryShards"/> partitions instead of
    /// all landing in one (a partition serves about 2,000 entities/s). Every shard of a minute sorts after the minute
    /// itself and before the next minute, so the sweep's <c>PartitionKey lt {ExpiryBucket(now)}</c> finds all shards of
    /// the due minutes, and still finds rows written before sharding under the bare minute.
    /// </summary>
    public static string ExpiryPartition(DateTimeOffset at, string sessionRowKey) => ExpiryBucket(at) + "-" + sessionRowKey[^1];
    /// <summary>An expiry index partition: a minute (<c>yyyyMMddHHmm</c>), with or without its shard (<c>-x</c>, one hex digit).</summary>
    public static bool IsExpiryPartition(string value) =>
        value.Length is 12 or 14 && value.AsSpan(0, 12).ContainsAnyExceptInRange('0', '9') is false
        && (value.Length == 12 || value[12] == '-' && char.IsAsciiHexDigitLower(value[13]));

    /// <summary>
    /// Rows of the members table that lapse and the sweep may delete once expired: sessions of either layout and
    /// Idempotency-Key records.
    /// </summary>
    public static bool IsExpiringRow(string rowKey) =>
        rowKey.StartsWith(SessionRangeStart, StringComparison.Ordinal) || IsMemberSession(rowKey)
        || rowKey.StartsWith(IdempotencyRowPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The index row of an expiring row of the members table: a session (keyed by its session key, as before) or an
    /// Idempotency-Key record (keyed by its whole row key).
    /// </summary>
    public static string ExpiryRow(string organizationId, string rowKey) =>
        organizationId + "|" + (rowKey.StartsWith(SessionRangeStart, StringComparison.Ordinal) ? rowKey[SessionRangeStart.Length..] : rowKey);

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
