using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// Members, each in its partition (<see cref="MemberPartition"/>: the organization's own for members made before
/// sharding, else one of the organization's shards, chosen by the email). Each member is written as two identical rows
/// in one transaction (<c>member|{id}</c> and <c>email|{hash of normalized email}</c>), so lookups by id and by email
/// are single point reads and emails stay unique per organization. An external id has an <c>extid|</c> pointer in the
/// organization's own partition: in the same transaction when the member lives there too, otherwise claimed just
/// before the member's rows are written (<see cref="ExternalIdPointers"/>).
/// </summary>
public sealed class MemberStore(SessionTables tables)
{
    private readonly ExternalIdPointers _pointers = new(tables);

    public async Task CreateAsync(Member member, string emailId, CancellationToken ct)
    {
        var (memberRow, emailRow) = Rows(member, emailId);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, memberRow),
            new(TableTransactionActionType.Add, emailRow),
        };
        var claimed = member.ExternalId is { } externalId && !PointerBeside(member) ? await _pointers.ClaimAsync(member, externalId, ct) : null;
        if (member.ExternalId is { } ownId && PointerBeside(member))
            actions.Add(new(TableTransactionActionType.Add, ExternalIdPointers.Pointer(member, ownId)));
        try
        {
            await SubmitCreateAsync(member, emailRow, actions, ct);
        }
        catch when (claimed is not null)
        {
            await _pointers.ReleaseAsync(claimed);
            throw;
        }
    }

    private async Task SubmitCreateAsync(Member member, MemberEntity emailRow, List<TableTransactionAction> actions, CancellationToken ct)
    {
        try
        {
            await tables.Members.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex == 2)
        {
            throw new SessionException(ErrorTypes.DuplicateMemberExternalId);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // The email row exists. A deleted member's email may be reused: take its row over, conditionally.
            var existing = await ReadAsync(emailRow.PartitionKey, emailRow.RowKey, ct);
            if (existing is null || existing.Member.Status != MemberStatus.Deleted)
                throw new SessionException(ErrorTypes.DuplicateMemberEmail);
            actions[1] = new(TableTransactionActionType.UpdateReplace, emailRow, existing.ETag);
            try { await tables.Members.SubmitTransactionAsync(actions, ct); }
            catch (TableTransactionFailedException) { throw new SessionException(ErrorTypes.DuplicateMemberEmail); }
        }
    }

    /// <summary>
    /// Rewrites both member rows, conditional on the ETags they were read with, and moves the external-id pointer when it
    /// changed: an external id another member holds fails it whole (duplicate_member_external_id).
    /// </summary>
    internal async Task UpdateAsync(StoredMember byId, StoredMember byEmail, Member updated, CancellationToken ct)
    {
        var (memberRow, emailRow) = Rows(updated, byId.EmailId);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, memberRow, byId.ETag),
            new(TableTransactionActionType.UpdateReplace, emailRow, byEmail.ETag),
        };
        var (before, after) = (byId.Member.ExternalId, updated.ExternalId);
        var beside = PointerBeside(updated);
        PointerEntity? claimed = null;
        if (before != after && after is not null)
        {
            if (beside) actions.Add(new(TableTransactionActionType.Add, ExternalIdPointers.Pointer(updated, after)));
            else claimed = await _pointers.ClaimAsync(updated, after, ct);
        }
        if (before != after && before is not null && beside)
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(updated.OrganizationId, Keys.MemberExternalId(before)), ETag.All));
        try
        {
            await tables.Members.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            throw new SessionException(ErrorTypes.DuplicateMemberExternalId);
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            if (claimed is not null) await _pointers.ReleaseAsync(claimed);
            throw new RowChangedException(e);
        }
        if (before != after && before is not null && !beside)
            await _pointers.ReleaseIfTargetAsync(updated.OrganizationId, before, updated.MemberId, ct);
    }

    /// <summary>A member by its key: one point read in the partition the key names.</summary>
    public async Task<StoredMember?> GetAsync(string organizationId, Guid memberKey, CancellationToken ct) =>
        await ReadAsync(MemberPartition.Of(organizationId, memberKey), Keys.Member(memberKey), ct);

    /// <summary>Finds a member by normalized email. The returned ETag is the email row's: an activation writes against it.</summary>
    public async Task<StoredMember?> FindByEmailAsync(Organization organization, string normalizedEmail, CancellationToken ct) =>
        await ReadAsync(MemberPartition.OfEmail(organization, normalizedEmail), Keys.Email(normalizedEmail), ct);

    /// <summary>Follows the external-id pointer; a pointer whose member no longer holds that external id finds nothing.</summary>
    public async Task<StoredMember?> FindByExternalIdAsync(string organizationId, string externalId, CancellationToken ct)
    {
        var pointer = await tables.Members.GetEntityIfExistsAsync<PointerEntity>(organizationId, Keys.MemberExternalId(externalId), cancellationToken: ct);
        if (!pointer.HasValue) return null;
        var member = await ReadMemberIdAsync(organizationId, pointer.Value!.Target, ct);
        return member?.Member.ExternalId == externalId ? member : null;
    }

    internal async Task<StoredMember?> ReadMemberIdAsync(string organizationId, string memberId, CancellationToken ct) =>
        await ReadAsync(MemberPartition.Of(organizationId, Guid.ParseExact(memberId.AsSpan(memberId.Length - 32), "N")), Keys.Member(memberId), ct);

    /// <summary>
    /// Marks the member deleted: both member rows in one transaction, conditional on the ETags they were read with (and
    /// its external-id pointer removed). From this write on, no session of the member is usable, whatever rows are left;
    /// the caller then deletes its sessions.
    /// </summary>
    internal async Task MarkDeletedAsync(StoredMember byId, StoredMember byEmail, Member deleted, CancellationToken ct)
    {
        var (memberRow, emailRow) = Rows(deleted, byId.EmailId);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, memberRow, byId.ETag),
            new(TableTransactionActionType.UpdateReplace, emailRow, byEmail.ETag),
        };
        var beside = PointerBeside(deleted);
        if (deleted.ExternalId is { } externalId && beside)
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(deleted.OrganizationId, Keys.MemberExternalId(externalId)), ETag.All));
        try
        {
            await tables.Members.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            throw new RowChangedException(e);
        }
        if (deleted.ExternalId is { } id && !beside)
            await _pointers.ReleaseIfTargetAsync(deleted.OrganizationId, id, deleted.MemberId, ct);
    }

    private async Task<StoredMember?> ReadAsync(string partition, string rowKey, CancellationToken ct)
    {
        var row = await tables.Members.GetEntityIfExistsAsync<MemberEntity>(partition, rowKey, cancellationToken: ct);
        return row.HasValue ? StoredMember.From(row.Value!) : null;
    }

    /// <summary>The partition of a member (from its id).</summary>
    internal static string PartitionOf(Member member) =>
        MemberPartition.Of(member.OrganizationId, Guid.ParseExact(member.MemberId.AsSpan(member.MemberId.Length - 32), "N"));

    /// <summary>True when the member lives in its organization's own partition, beside its external-id pointer.</summary>
    private static bool PointerBeside(Member member) => PartitionOf(member) == member.OrganizationId;

    /// <summary>The member row and its email-index twin, with identical columns, in the member's partition.</summary>
    internal static (MemberEntity MemberRow, MemberEntity EmailRow) Rows(Member member, string emailId)
    {
        var payload = JsonSerializer.Serialize(member, SessionJson.Options);
        var partition = PartitionOf(member);
        MemberEntity Row(string rowKey) => new()
        {
            PartitionKey = partition, RowKey = rowKey, MemberId = member.MemberId,
            Status = member.Status, EmailId = emailId, Payload = payload,
        };
        return (Row(Keys.Member(member.MemberId)), Row(Keys.Email(EmailAddress.Normalize(member.EmailAddress))));
    }
}
