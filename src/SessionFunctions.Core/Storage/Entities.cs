using Azure;
using Azure.Data.Tables;

namespace SessionFunctions.Core.Storage;

// Typed table rows. Each is small and flat: payloads that the API returns whole are stored as JSON strings.

/// <summary>The keys, timestamp and ETag every table row has.</summary>
internal abstract class TableRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
}

/// <summary>
/// An organization (row <c>id|…</c>), in partition <c>org|{xx}</c> (<see cref="Keys.OrganizationPartition"/>); rows
/// written before organizations were spread are in the single <c>organizations</c> partition and still read.
/// </summary>
internal sealed class OrganizationEntity : TableRow
{
    public string Payload { get; set; } = "";
    /// <summary>Set by organization delete, first of all its writes: from then on the organization is not found.</summary>
    public bool Deleted { get; set; }
    /// <summary>See <see cref="Model.Organization.MemberShards"/>; absent (0) in rows written before sharding.</summary>
    public int MemberShards { get; set; }
}

/// <summary>An index row that names another row: slug or external id to organization, external id to member.</summary>
internal sealed class PointerEntity : TableRow
{
    public string Target { get; set; } = "";
    /// <summary>When an organization name pointer was claimed (null on older rows): until a lease has passed it is not taken over.</summary>
    public DateTimeOffset? ClaimedAt { get; set; }
    /// <summary>
    /// The email row (<c>email|{hash}</c>) of the member a sharded member's external-id pointer was claimed for (null on
    /// older rows): whoever holds that email row holds the pointer (<see cref="ExternalIdPointers"/>).
    /// </summary>
    public string? Email { get; set; }
}

/// <summary>
/// A member. The same columns are written twice in one transaction: under <c>member|{id}</c> and under
/// <c>email|{hash}</c>, so a member is one point read away both by id and by normalized email.
/// </summary>
internal sealed class MemberEntity : TableRow
{
    public string MemberId { get; set; } = "";
    public string Status { get; set; } = "";
    public string EmailId { get; set; } = "";
    public string Payload { get; set; } = "";
}

/// <summary>
/// A session: next to its member (row <c>member|{member}|session|{session}</c>, in the member's partition), or, for
/// sessions made before that layout, in its organization's partition (row <c>session|{key}</c>).
/// </summary>
internal sealed class SessionEntity : TableRow
{
    public string MemberId { get; set; } = "";
    /// <summary>The legacy provider that vouched for the session (migrate; exchange carries it on); "" in rows made before it was recorded.</summary>
    public string Provider { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset LastAccessedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public byte[] TokenHash { get; set; } = [];
    public string Factors { get; set; } = "[]";
    public string CustomClaims { get; set; } = "{}";
    // No copy of the member: it is read from its own row on every use, so a change or deletion shows at once.
}

/// <summary>
/// What the sweep reads of any row of the members table that lapses (a session, or an Idempotency-Key record): its
/// expiry, and its ETag for the conditional delete.
/// </summary>
internal sealed class ExpiringRow : TableRow
{
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>What migrate reads of a member's sessions to keep them under the cap (a narrow <c>$select</c>: no ETag).</summary>
internal sealed class SessionStub : TableRow
{
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// An expiry index row (of a session or, row = organization|idem|…, of an Idempotency-Key record): partition = a shard of
/// the indexed row's members-table partition and the minute it is due (<c>s{x}-yyyyMMddHHmm</c>, see
/// <see cref="Keys.ExpiryPartition"/>; rows written earlier have <c>yyyyMMddHHmm-x</c> or the bare minute), row = organization|session.
/// </summary>
internal sealed class ExpiryEntity : TableRow
{
    public string OrganizationId { get; set; } = "";
    /// <summary>The members-table partition of the indexed row; "" in rows written before sessions moved next to their member (then it is <see cref="OrganizationId"/>).</summary>
    public string SessionPartition { get; set; } = "";
    public string SessionRowKey { get; set; } = "";

    [System.Runtime.Serialization.IgnoreDataMember]
    public string Partition => string.IsNullOrEmpty(SessionPartition) ? OrganizationId : SessionPartition;
}

/// <summary>
/// A signing key of Wrapped mode (table <c>SigningKeys</c>, partition <c>keys</c>, row <c>key|{period start}</c>: one row
/// per rotation period, inserted by whichever instance gets there first). The public half is stored plain (instances
/// publish it without unwrapping); the private half only as an AES-256-GCM ciphertext under a data key that only the
/// wrapping key (Key Vault) can unwrap.
/// </summary>
internal sealed class SigningKeyEntity : TableRow
{
    public string KeyId { get; set; } = "";
    /// <summary>When instances may start signing with it; until then it is only published.</summary>
    public DateTimeOffset SignFrom { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public byte[] Modulus { get; set; } = [];
    public byte[] Exponent { get; set; } = [];
    public byte[] Certificate { get; set; } = [];
    /// <summary>Which wrapping key (Key Vault key version, or <c>pem:{thumbprint}</c>) wrapped <see cref="WrappedDataKey"/>.</summary>
    public string WrappingKeyId { get; set; } = "";
    public byte[] WrappedDataKey { get; set; } = [];
    public byte[] Nonce { get; set; } = [];
    public byte[] EncryptedPrivateKey { get; set; } = [];
    public byte[] Tag { get; set; } = [];
}

/// <summary>One organization update, in <c>OrganizationChanges</c> (see <see cref="OrganizationChangeFeed"/>).</summary>
internal sealed class OrganizationChangeEntity : TableRow
{
    public DateTimeOffset At { get; set; }
    public string OrganizationId { get; set; } = "";
    /// <summary>The name index row keys (<c>name|{hash}</c>) the organization held before the update, space-separated.</summary>
    public string Names { get; set; } = "";
}
