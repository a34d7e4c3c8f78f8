using Azure;
using Azure.Data.Tables;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// External-id pointers (<c>extid|{hash}</c>) in the organization's own partition, for members that live in one of its
/// shards: a lookup by external id must find the pointer without knowing the member, so it cannot live beside a sharded
/// member and share its transaction. It is claimed (added) before the member's rows are written and released when that
/// write fails; a pointer left by a write that died in between is stale once it is a minute old and its member does not
/// hold the external id, and is then taken over. A pointer younger than that is never taken over (its write may still
/// be running), so two members never end up holding one external id.
/// </summary>
internal sealed class ExternalIdPointers(SessionTables tables)
{
    private static readonly TimeSpan InFlight = TimeSpan.FromMinutes(1);

    public static PointerEntity Pointer(Member member, string externalId) =>
        new() { PartitionKey = member.OrganizationId, RowKey = Keys.MemberExternalId(externalId), Target = member.MemberId };

    /// <summary>Adds the pointer for <paramref name="member"/>, or takes over a stale one; duplicate_member_external_id otherwise.</summary>
    public async Task<PointerEntity> ClaimAsync(Member member, string externalId, CancellationToken ct)
    {
        var pointer = Pointer(member, externalId);
        try
        {
            pointer.ETag = (await tables.Members.AddEntityAsync(pointer, ct)).Headers.ETag ?? ETag.All;
            return pointer;
        }
        catch (RequestFailedException e) when (e.Status == 409) { }

        var existing = await tables.Members.GetEntityIfExistsAsync<PointerEntity>(pointer.PartitionKey, pointer.RowKey, cancellationToken: ct);
        if (!existing.HasValue || existing.Value!.Timestamp is not { } written || DateTimeOffset.UtcNow - written < InFlight)
            throw new SessionException(ErrorTypes.DuplicateMemberExternalId);
        var holder = await ReadTargetAsync(existing.Value, ct);
        if (holder is not null && holder.Status != MemberStatus.Deleted && holder.ExternalId == externalId)
            throw new SessionException(ErrorTypes.DuplicateMemberExternalId);
        try
        {
            pointer.ETag = (await tables.Members.UpdateEntityAsync(pointer, existing.Value.ETag, TableUpdateMode.Replace, ct)).Headers.ETag ?? ETag.All;
            return pointer;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new SessionException(ErrorTypes.DuplicateMemberExternalId);
        }
    }

    /// <summary>Gives back a pointer this request claimed, if nobody took it over since. Failing here only leaves a stale pointer.</summary>
    public async Task ReleaseAsync(PointerEntity claimed)
    {
        try { await tables.Members.DeleteEntityAsync(claimed.PartitionKey, claimed.RowKey, claimed.ETag, CancellationToken.None); }
        catch (RequestFailedException) { /* taken over, or storage failing: a stale pointer is taken over later */ }
    }

    /// <summary>Deletes the pointer of an external id the member no longer holds, if it still points at that member.</summary>
    public async Task ReleaseIfTargetAsync(string organizationId, string externalId, string memberId, CancellationToken ct)
    {
        var existing = await tables.Members.GetEntityIfExistsAsync<PointerEntity>(organizationId, Keys.MemberExternalId(externalId), cancellationToken: ct);
        if (existing.HasValue && existing.Value!.Target == memberId)
            await ReleaseAsync(existing.Value);
    }

    private async Task<Member?> ReadTargetAsync(PointerEntity pointer, CancellationToken ct)
    {
        var memberKey = Guid.ParseExact(pointer.Target.AsSpan(pointer.Target.Length - 32), "N");
        var row = await tables.Members.GetEntityIfExistsAsync<MemberEntity>(
            MemberPartition.Of(pointer.PartitionKey, memberKey), Keys.Member(memberKey), cancellationToken: ct);
        return row.HasValue ? StoredMember.From(row.Value!).Member : null;
    }
}
