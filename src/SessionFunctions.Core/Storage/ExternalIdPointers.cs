using Azure;
using Azure.Data.Tables;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// External-id pointers (<c>extid|{hash}</c>) in the organization's own partition, for members that live in one of its
/// shards: a lookup by external id must find the pointer without knowing the member, so it cannot live beside a sharded
/// member and share its transaction. It is claimed (added) before the member's rows are written, naming the member and
/// that member's email row; the external id is held by the member it names or, failing that, by whoever holds that email
/// row with that external id (<see cref="HolderAsync"/>). So a create that died between its claim and its member's rows
/// (a crash, <c>kill -9</c>) leaves a pointer that a create of the same email takes over at once: of two creates of one
/// email only one can win the email row, and the winner holds the pointer whichever member id it names. A pointer claimed
/// for another email is taken over only once it is a minute old and nobody holds it (its write may still be running), so
/// two members never end up holding one external id.
/// </summary>
internal sealed class ExternalIdPointers(SessionTables tables)
{
    private static readonly TimeSpan InFlight = TimeSpan.FromMinutes(1);

    public static PointerEntity Pointer(Member member, string externalId) => new()
    {
        PartitionKey = member.OrganizationId, RowKey = Keys.MemberExternalId(externalId), Target = member.MemberId,
        Email = EmailRow(member),
    };

    /// <summary>The email row (<c>email|{hash}</c>) a pointer claimed for <paramref name="member"/> names.</summary>
    private static string EmailRow(Member member) => Keys.Email(EmailAddress.Normalize(member.EmailAddress));

    /// <summary>
    /// Adds the pointer for <paramref name="member"/>, or takes over one nobody holds: at once when it was claimed for the
    /// same email, after a minute otherwise; duplicate_member_external_id when a member holds it or it is in flight.
    /// </summary>
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
        if (!existing.HasValue || existing.Value!.Timestamp is not { } written)
            throw new SessionException(ErrorTypes.DuplicateMemberExternalId);
        if (existing.Value.Email != pointer.Email && DateTimeOffset.UtcNow - written < InFlight)
            throw new SessionException(ErrorTypes.DuplicateMemberExternalId);
        if (await IsHeldAsync(existing.Value, externalId, ct))
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

    /// <summary>
    /// The member holding the external id a pointer names: the member it names, or else the member of the email row it
    /// was claimed for (in the same shard), if that member has this external id. Null when nobody holds it.
    /// </summary>
    public async Task<StoredMember?> HolderAsync(PointerEntity pointer, string externalId, CancellationToken ct)
    {
        var partition = MemberPartition.Of(pointer.PartitionKey, Guid.ParseExact(pointer.Target.AsSpan(pointer.Target.Length - 32), "N"));
        foreach (var rowKey in new[] { Keys.Member(pointer.Target), pointer.Email })
        {
            if (rowKey is null) continue;
            var row = await tables.Members.GetEntityIfExistsAsync<MemberEntity>(partition, rowKey, cancellationToken: ct);
            if (row.HasValue && StoredMember.From(row.Value!) is var stored && stored.Member.ExternalId == externalId) return stored;
        }
        return null;
    }

    /// <summary>Whether a member that is not deleted holds the external id <paramref name="pointer"/> names.</summary>
    private async Task<bool> IsHeldAsync(PointerEntity pointer, string externalId, CancellationToken ct) =>
        await HolderAsync(pointer, externalId, ct) is { } holder && holder.Member.Status != MemberStatus.Deleted;

    /// <summary>Gives back a pointer this request claimed, if nobody took it over since. Failing here only leaves a stale pointer.</summary>
    public async Task ReleaseAsync(PointerEntity claimed)
    {
        try { await tables.Members.DeleteEntityAsync(claimed.PartitionKey, claimed.RowKey, claimed.ETag, CancellationToken.None); }
        catch (RequestFailedException) { /* taken over, or storage failing: a stale pointer is taken over later */ }
    }

    /// <summary>
    /// Gives back the pointer a create claimed and then failed to write its member with, unless a member holds it now: a
    /// create of the same email that won the email row (it may have claimed the pointer before this one took it over).
    /// </summary>
    public async Task ReleaseUnlessHeldAsync(PointerEntity claimed, string externalId)
    {
        try
        {
            if (await IsHeldAsync(claimed, externalId, CancellationToken.None)) return;
        }
        catch (RequestFailedException) { return; } // storage failing: the pointer stays, stale, and is taken over later
        await ReleaseAsync(claimed);
    }

    /// <summary>Deletes the pointer of an external id the member no longer holds, if it was claimed for that member (or its email).</summary>
    public async Task ReleaseIfTargetAsync(Member member, string externalId, CancellationToken ct)
    {
        var existing = await tables.Members.GetEntityIfExistsAsync<PointerEntity>(member.OrganizationId, Keys.MemberExternalId(externalId), cancellationToken: ct);
        if (existing.HasValue && (existing.Value!.Target == member.MemberId || existing.Value.Email == EmailRow(member)))
            await ReleaseAsync(existing.Value);
    }
}
