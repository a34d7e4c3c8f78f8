using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// Which partition of the members table a member (its member and email rows, its external-id pointer in legacy
/// organizations, and all its sessions) lives in. It follows from the organization id and the member key alone:
/// <list type="bullet">
/// <item>a <em>sharded key</em> (an RFC 9562 UUIDv8 whose first byte, big-endian, is the shard; the rest from the OS
/// CSPRNG) lives in <c>{organization_id}|{shard as 2 hex digits}</c>;</item>
/// <item>any other key (a random v4 GUID: members of organizations created before sharding) lives in the organization's
/// own partition <c>{organization_id}</c>, as before.</item>
/// </list>
/// An organization with <see cref="Organization.MemberShards"/> &gt; 0 gives a new member the shard of its normalized
/// email (<see cref="ShardOfEmail"/>), so an email lookup is one point read in a partition known from the email alone,
/// and one transaction can still cover the member and email rows.
/// </summary>
public static class MemberPartition
{
    /// <summary>How many partitions the members of an organization created now are spread over.</summary>
    public const int DefaultShards = 32;

    /// <summary>The partition of a member, from its organization and its member key.</summary>
    public static string Of(string organizationId, Guid memberKey) =>
        TryGetShard(memberKey, out var shard) ? Sharded(organizationId, shard) : organizationId;

    /// <summary>The partition where a member with this normalized email lives (or would live) in the organization.</summary>
    public static string OfEmail(Organization organization, string normalizedEmail) =>
        organization.MemberShards > 0
            ? Sharded(organization.OrganizationId, ShardOfEmail(normalizedEmail, organization.MemberShards))
            : organization.OrganizationId;

    /// <summary>The organization a members-table partition belongs to (the part before <c>|</c>).</summary>
    public static string OrganizationOf(string partition)
    {
        var bar = partition.IndexOf('|');
        return bar < 0 ? partition : partition[..bar];
    }

    /// <summary>
    /// A new member key: a v4 GUID in a legacy organization (the member joins the organization's own partition), else a
    /// sharded key carrying the shard of the member's normalized email.
    /// </summary>
    public static Guid NewMemberKey(Organization organization, string normalizedEmail) =>
        organization.MemberShards > 0 ? NewShardedKey((byte)ShardOfEmail(normalizedEmail, organization.MemberShards)) : Guid.NewGuid();

    /// <summary>A UUIDv8 whose first byte is <paramref name="shard"/> and whose other 122 free bits are random.</summary>
    public static Guid NewShardedKey(byte shard)
    {
        Span<byte> raw = stackalloc byte[16];
        RandomNumberGenerator.Fill(raw);
        raw[0] = shard;
        raw[6] = (byte)(0x80 | (raw[6] & 0x0F)); // version 8 (custom)
        raw[8] = (byte)(0x80 | (raw[8] & 0x3F)); // RFC 9562 variant
        return new Guid(raw, bigEndian: true);
    }

    /// <summary>True for a sharded key (UUIDv8, RFC variant), with its shard.</summary>
    public static bool TryGetShard(Guid key, out int shard)
    {
        Span<byte> raw = stackalloc byte[16];
        key.TryWriteBytes(raw, bigEndian: true, out _);
        shard = raw[0];
        return raw[6] >> 4 == 8 && raw[8] >> 6 == 2;
    }

    /// <summary>The shard of a normalized email: the first four bytes of its SHA-256, modulo the shard count.</summary>
    public static int ShardOfEmail(string normalizedEmail, int shards) =>
        (int)(BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail))) % (uint)shards);

    private static string Sharded(string organizationId, int shard) => organizationId + "|" + shard.ToString("x2");
}
