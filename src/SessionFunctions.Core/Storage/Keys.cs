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

    /// <summary>
    /// Every partition of the members table an organization's rows may live in: its own (members, sessions and
    /// Idempotency-Key records of organizations created before sharding) and its 32 member shards
    /// (<c>{organization_id}|00</c> to <c>|1f</c>). Organization delete empties each of them; nothing else scans.
    /// </summary>
    public static IReadOnlyList<string> OrganizationPartitions(string organizationId, int shards = MemberPartition.DefaultShards) =>
        [organizationId, .. Enumerable.Range(0, Math.Max(shards, MemberPartition.DefaultShards)).Select(shard => organizationId + "|" + shard.ToString("x2", CultureInfo.InvariantCulture))];

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
    public static string ExpiryBucket(DateTimeOffset at) => at.UtcDateTime.ToString(ExpiryBucketFormat, CultureInfo.InvariantCulture);
    private const string ExpiryBucketFormat = "yyyyMMddHHmm";

    /// <summary>How many partitions one expiry minute is spread over (see <see cref="ExpiryPartition"/>).</summary>
    public const int ExpiryShards = 16;

    /// <summary>
    /// The expiry index partition of a row of the members table due at <paramref name="at"/>: <c>s{x}-{yyyyMMddHHmm}</c>,
    /// shard first. The shard (<see cref="ExpiryShard"/>) is a function of the row's members-table partition, so every
    /// row of one member partition due in any minute is indexed under one shard, and the sweep of that shard visits the
    /// member partition once for all of them; the minute after it lets one range query read a shard's whole backlog
    /// (<c>PartitionKey ge 's{x}-' and PartitionKey lt 's{x}-{due minute}'</c>). A minute's rows still spread over
    /// <see cref="ExpiryShards"/> partitions. Keys of the earlier schemes (<c>{minute}</c>, <c>{minute}-{x}</c> with
    /// <c>x</c> from the session key) start with a digit, so they sort before every shard-first key.
    /// </summary>
    public static string ExpiryPartition(DateTimeOffset at, string memberPartition) => ExpiryShardStart(ExpiryShard(memberPartition)) + ExpiryBucket(at);

    /// <summary>The expiry shard of a members-table partition: the first hex digit of SHA-256 of its key.</summary>
    public static char ExpiryShard(string memberPartition) => Hash(memberPartition)[0];

    /// <summary>Where a shard's expiry index partitions start (<c>s{x}-</c>); each minute's partition follows.</summary>
    public static string ExpiryShardStart(char shard) => "s" + shard + "-";

    /// <summary>
    /// Expiry index partitions written before the shard-first keys: the bare minute, or the minute, a dash and one hex
    /// digit of the session key. All of them sort before <see cref="ExpiryShardStart"/>'s keys.
    /// </summary>
    public static bool IsEarlierExpiryPartition(string value) =>
        value.Length is 12 or 14 && value.AsSpan(0, 12).ContainsAnyExceptInRange('0', '9') is false
        && (value.Length == 12 || value[12] == '-' && char.IsAsciiHexDigitLower(value[13]));

    /// <summary>An expiry minute as <see cref="ExpiryBucket"/> writes it (<c>yyyyMMddHHmm</c>).</summary>
    public static bool IsExpiryBucket(string value) => TryParseExpiryBucket(value, out _);

    /// <summary>The UTC minute an expiry bucket (<see cref="ExpiryBucket"/>'s text) names.</summary>
    public static bool TryParseExpiryBucket(string value, out DateTimeOffset minute)
    {
        minute = default;
        if (value.Length != 12 || !DateTime.TryParseExact(value, ExpiryBucketFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)) return false;
        minute = new DateTimeOffset(at, TimeSpan.Zero);
        return true;
    }

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
