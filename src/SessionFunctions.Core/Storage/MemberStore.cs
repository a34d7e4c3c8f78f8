using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// Members, in their organization's partition. Each member is written as two identical rows in one transaction
/// (<c>member|{id}</c> and <c>email|{hash of normalized email}</c>), plus an <c>extid|</c> pointer when it has an
/// external id, so lookups by id and by email are single point reads and emails stay unique per organization.
/// </summary>
public sealed class MemberStore(SessionTables tables)
{
    private const int SessionDeletesInMemberTransaction = 90;

    /// <summary>
    /// Adds the member in one transaction (its id row, its email row, and its external-id pointer), so two creates of one
    /// email make exactly one member: the loser's transaction fails whole (duplicate_member_email). A deleted member's
    /// email may be reused by an explicit create (<paramref name="takeOverDeleted"/>): its email row is then taken over,
    /// conditionally. Returns the member as its email row now stands, with that row's ETag (from the transaction's answer),
    /// so a session can be written against it without reading it again.
    /// </summary>
    public async Task<StoredMember> CreateAsync(Member member, string emailId, CancellationToken ct, bool takeOverDeleted = true)
    {
        var actions = Additions(member, emailId);
        var emailRow = (ITableEntity)actions[1].Entity;
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
            var existing = await FindByEmailAsync(member.OrganizationId, EmailAddress.Normalize(member.EmailAddress), ct);
            if (existing is null || existing.Member.Status != MemberStatus.Deleted)
                throw new SessionException(ErrorTypes.DuplicateMemberEmail);
            actions[1] = new(TableTransactionActionType.UpdateReplace, emailRow, existing.ETag);
            try { return Created(await tables.Members.SubmitTransactionAsync(actions, ct)); }
            catch (TableTransactionFailedException) { throw new SessionException(ErrorTypes.DuplicateMemberEmail); }
        }

        StoredMember Created(Response<IReadOnlyList<Response>> answer) =>
            new(member, emailId, answer.Value.Count > 1 && answer.Value[1].Headers.ETag is { } etag ? etag : default);
    }

    /// <summary>The rows that add one member: its id row, its email row, and its external-id pointer when it has one.</summary>
    internal static List<TableTransactionAction> Additions(Member member, string emailId)
    {
        var (memberRow, emailRow) = Rows(member, emailId);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, memberRow),
            new(TableTransactionActionType.Add, emailRow),
        };
        if (member.ExternalId is { } externalId)
            actions.Add(new(TableTransactionActionType.Add, new PointerEntity
            {
                PartitionKey = memberRow.PartitionKey, RowKey = Keys.MemberExternalId(externalId), Target = member.MemberId,
            }));
        return actions;
    }

    /// <summary>
    /// Adds several members of one partition in one transaction (at most 100 rows: <see cref="Additions"/> of each), all
    /// or none: the directory import's fast path. Any clash (an email or external id already there, the same email twice
    /// in the batch) fails the whole transaction, and the caller adds those members one by one with
    /// <see cref="CreateAsync"/>, which reports each clash as the API does.
    /// </summary>
    internal async Task AddAllAsync(IReadOnlyList<TableTransactionAction> additions, CancellationToken ct) =>
        await tables.Members.SubmitTransactionAsync(additions, ct);

    /// <summary>
    /// Rewrites both member rows, conditional on the ETags they were read with, and moves the external-id pointer when it
    /// changed, in one transaction: an external id another member holds fails it whole (duplicate_member_external_id).
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
        if (before != after && after is not null)
            actions.Add(new(TableTransactionActionType.Add, new PointerEntity { PartitionKey = updated.OrganizationId, RowKey = Keys.MemberExternalId(after), Target = updated.MemberId }));
        if (before != after && before is not null)
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
            throw new RowChangedException(e);
        }
    }

    public async Task<StoredMember?> GetAsync(string organizationId, Guid memberKey, CancellationToken ct) =>
        await ReadAsync(organizationId, Keys.Member(memberKey), ct);

    /// <summary>Finds a member by normalized email. The returned ETag is the email row's: migrate writes against it.</summary>
    public async Task<StoredMember?> FindByEmailAsync(string organizationId, string normalizedEmail, CancellationToken ct) =>
        await ReadAsync(organizationId, Keys.Email(normalizedEmail), ct);

    public async Task<StoredMember?> FindByExternalIdAsync(string organizationId, string externalId, CancellationToken ct)
    {
        var pointer = await tables.Members.GetEntityIfExistsAsync<PointerEntity>(organizationId, Keys.MemberExternalId(externalId), cancellationToken: ct);
        return pointer.HasValue ? await ReadMemberIdAsync(organizationId, pointer.Value!.Target, ct) : null;
    }

    private async Task<StoredMember?> ReadMemberIdAsync(string organizationId, string memberId, CancellationToken ct)
    {
        var row = await tables.Members.GetEntityIfExistsAsync<MemberEntity>(organizationId, Keys.Member(memberId), cancellationToken: ct);
        return row.HasValue ? StoredMember.From(row.Value!) : null;
    }

    /// <summary>
    /// Marks the member deleted and deletes its sessions. The status change and the first sessions go in one
    /// transaction, conditional on both member rows: migrate rewrites the email row with every session it adds, so
    /// a session created after <paramref name="sessions"/> was listed makes this fail and the caller start over.
    /// </summary>
    internal async Task MarkDeletedAsync(StoredMember byId, StoredMember byEmail, Member deleted, IReadOnlyList<SessionEntity> sessions, CancellationToken ct)
    {
        var (memberRow, emailRow) = Rows(deleted, byId.EmailId);
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, memberRow, byId.ETag),
            new(TableTransactionActionType.UpdateReplace, emailRow, byEmail.ETag),
        };
        if (deleted.ExternalId is { } externalId)
            actions.Add(new(TableTransactionActionType.Delete, new TableEntity(deleted.OrganizationId, Keys.MemberExternalId(externalId)), ETag.All));
        actions.AddRange(sessions.Take(SessionDeletesInMemberTransaction).Select(s => new TableTransactionAction(TableTransactionActionType.Delete, s, ETag.All)));
        try
        {
            await tables.Members.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            throw new RowChangedException(e);
        }
        await SessionStore.DeleteAllAsync(tables.Members, sessions.Skip(SessionDeletesInMemberTransaction), ct);
    }

    /// <summary>
    /// Deletes every row an organization has in the members table (members, their email and external-id rows, sessions,
    /// Idempotency-Key records) from each of its partitions (<see cref="Keys.OrganizationPartitions"/>), several
    /// partitions at once, in transactions of up to 100 rows. Returns how many rows it deleted.
    /// </summary>
    internal async Task<int> DeleteOrganizationRowsAsync(string organizationId, CancellationToken ct)
    {
        var deleted = 0;
        await Parallel.ForEachAsync(Keys.OrganizationPartitions(organizationId), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (partition, token) =>
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

    private async Task<StoredMember?> ReadAsync(string organizationId, string rowKey, CancellationToken ct)
    {
        var row = await tables.Members.GetEntityIfExistsAsync<MemberEntity>(organizationId, rowKey, cancellationToken: ct);
        return row.HasValue ? StoredMember.From(row.Value!) : null;
    }

    /// <summary>The member row and its email-index twin, with identical columns.</summary>
    internal static (MemberEntity MemberRow, MemberEntity EmailRow) Rows(Member member, string emailId)
    {
        var payload = JsonSerializer.Serialize(member, SessionJson.Options);
        MemberEntity Row(string rowKey) => new()
        {
            PartitionKey = member.OrganizationId, RowKey = rowKey, MemberId = member.MemberId,
            Status = member.Status, EmailId = emailId, Payload = payload,
        };
        return (Row(Keys.Member(member.MemberId)), Row(Keys.Email(EmailAddress.Normalize(member.EmailAddress))));
    }
}
