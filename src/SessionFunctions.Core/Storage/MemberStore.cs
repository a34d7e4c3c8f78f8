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

    /// <summary>
    /// Adds the member in one transaction (its id row, its email row, and its external-id pointer), so two creates of one
    /// email make exactly one member: the loser's transaction fails whole (duplicate_member_email). A deleted member's
    /// email may be reused by an explicit create (<paramref name="takeOverDeleted"/>): its email row is then taken over,
    /// conditionally. Returns the member as its email row now stands, with that row's ETag (from the transaction's answer),
    /// so a session can be written against it without reading it again.
    /// </summary>
    public async Task<StoredMember> CreateAsync(Member member, string emailId, CancellationToken ct, bool takeOverDeleted = true)
    {
        var (actions, claim) = Additions(member, emailId);
        var claimed = claim is not null ? await _pointers.ClaimAsync(member, member.ExternalId!, ct) : null;
        try
        {
            return await SubmitCreateAsync(member, emailId, actions, takeOverDeleted, ct);
        }
        catch when (claimed is not null)
        {
            await _pointers.ReleaseUnlessHeldAsync(claimed, member.ExternalId!);
            throw;
        }
    }

    private async Task<StoredMember> SubmitCreateAsync(Member member, string emailId, List<TableTransactionAction> actions, bool takeOverDeleted, CancellationToken ct)
    {
        var emailRow = (MemberEntity)actions[1].Entity;
        try
        {
            return Created(await tables.Members.SubmitTransactionAsync(actions, ct));
        }
        catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex == 2)
        {
            throw new SessionException(ErrorTypes.DuplicateMemberExternalId);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // The email row exists. A deleted member's email may be reused: take its row over, conditionally.
            if (!takeOverDeleted) throw new SessionException(ErrorTypes.DuplicateMemberEmail);
            var existing = await ReadAsync(emailRow.PartitionKey, emailRow.RowKey, ct);
            if (existing is null || existing.Member.Status != MemberStatus.Deleted)
                throw new SessionException(ErrorTypes.DuplicateMemberEmail);
            actions[1] = new(TableTransactionActionType.UpdateReplace, emailRow, existing.ETag);
            try { return Created(await tables.Members.SubmitTransactionAsync(actions, ct)); }
            catch (TableTransactionFailedException) { throw new SessionException(ErrorTypes.DuplicateMemberEmail); }
        }

        StoredMember Created(Response<IReadOnlyList<Response>> answer) =>
            new(member, emailId, answer.Value.Count > 1 && answer.Value[1].Headers.ETag is { } etag ? etag : default);
    }

    private static List<TableTransactionAction> RowsToAdd(Member member, string emailId)
    {
        var (memberRow, emailRow) = Rows(member, emailId);
        return [new(TableTransactionActionType.Add, memberRow), new(TableTransactionActionType.Add, emailRow)];
    }

    /// <summary>
    /// What adds one member, as <see cref="CreateAsync"/> writes it: the rows of one transaction in its partition (its id
    /// row, its email row, its external-id pointer when that lives beside it), and the external-id pointer to claim first
    /// in the organization's own partition when it cannot (a sharded organization's member), else null.
    /// </summary>
    internal static (List<TableTransactionAction> Rows, TableTransactionAction? Claim) Additions(Member member, string emailId)
    {
        var actions = RowsToAdd(member, emailId);
        if (member.ExternalId is not { } ownId) return (actions, null);
        var pointer = new TableTransactionAction(TableTransactionActionType.Add, ExternalIdPointers.Pointer(member, ownId));
        if (!PointerBeside(member)) return (actions, pointer);
        actions.Add(pointer);
        return (actions, null);
    }

    /// <summary>
    /// Adds rows of one partition in one transaction (at most 100), all or none: the directory import's fast path, for
    /// the <see cref="Additions"/> of several members (their claims first, in one transaction of the organization's
    /// partition, then their rows). Any clash (an email or external id already there, the same email twice in the batch)
    /// fails the whole transaction, and the caller adds those members one by one with <see cref="CreateAsync"/>, which
    /// reports each clash as the API does and takes over the claims of its own email (<see cref="ExternalIdPointers"/>).
    /// </summary>
    internal async Task AddAllAsync(IReadOnlyList<TableTransactionAction> additions, CancellationToken ct) =>
        await tables.Members.SubmitTransactionAsync(additions, ct);

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
            await _pointers.ReleaseIfTargetAsync(updated, before, ct);
    }

    /// <summary>A member by its key: one point read in the partition the key names.</summary>
    public async Task<StoredMember?> GetAsync(string organizationId, Guid memberKey, CancellationToken ct) =>
        await ReadAsync(MemberPartition.Of(organizationId, memberKey), Keys.Member(memberKey), ct);

    /// <summary>Finds a member by normalized email. The returned ETag is the email row's: an activation writes against it.</summary>
    public async Task<StoredMember?> FindByEmailAsync(Organization organization, string normalizedEmail, CancellationToken ct) =>
        await ReadAsync(MemberPartition.OfEmail(organization, normalizedEmail), Keys.Email(normalizedEmail), ct);

    /// <summary>Follows the external-id pointer to the member holding it (<see cref="ExternalIdPointers.HolderAsync"/>); a pointer nobody holds finds nothing.</summary>
    public async Task<StoredMember?> FindByExternalIdAsync(string organizationId, string externalId, CancellationToken ct)
    {
        var pointer = await tables.Members.GetEntityIfExistsAsync<PointerEntity>(organizationId, Keys.MemberExternalId(externalId), cancellationToken: ct);
        return pointer.HasValue ? await _pointers.HolderAsync(pointer.Value!, externalId, ct) : null;
    }

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
            await _pointers.ReleaseIfTargetAsync(deleted, id, ct);
    }

    /// <summary>
    /// Deletes every row an organization has in the members table (members, their email and external-id rows, sessions,
    /// Idempotency-Key records) from each of its partitions (<see cref="Keys.OrganizationPartitions"/>), several
    /// partitions at once, in transactions of up to 100 rows. Returns how many rows it deleted.
    /// </summary>
    internal async Task<int> DeleteOrganizationRowsAsync(Organization organization, CancellationToken ct)
    {
        var deleted = 0;
        await Parallel.ForEachAsync(Keys.OrganizationPartitions(organization.OrganizationId, organization.MemberShards), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (partition, token) =>
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
            // Collect first, then delete: deleting while paging would move the continuation under the query.
            var rows = new List<ITableEntity>();
            await foreach (var row in tables.Members.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: token))
                rows.Add(row);
            await SessionStore.DeleteAllAsync(tables.Members, rows, token);
            Interlocked.Add(ref deleted, rows.Count);
        });
        return deleted;
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
