using Azure;
using Azure.Data.Tables;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// Sessions, in their organization's partition of the members table, and their expiry index. Every path is a point
/// read or a single-partition query; updates are conditional on the ETag they read.
/// </summary>
public sealed class SessionStore(SessionTables tables)
{
    private const int MaxBatch = 100;

    /// <summary>
    /// Writes a new session. The same transaction rewrites the member's email row against the ETag migrate read it
    /// with, so a member deleted (or changed) in between makes the whole write fail instead of leaving a session for
    /// a deleted member. <paramref name="activated"/> replaces both member rows when migrate activates the member;
    /// <paramref name="also"/> is one more row of the same partition (migrate's Idempotency-Key record).
    /// </summary>
    internal async Task InsertAsync(SessionEntity session, StoredMember guard, MemberEntity? activatedMemberRow, MemberEntity guardRow, CancellationToken ct,
        TableTransactionAction? also = null)
    {
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, session),
            new(TableTransactionActionType.UpdateReplace, guardRow, guard.ETag),
        };
        if (activatedMemberRow is not null)
            actions.Add(new(TableTransactionActionType.UpdateReplace, activatedMemberRow, ETag.All));
        if (also is not null) actions.Add(also);
        try
        {
            await tables.Members.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            throw new RowChangedException(e);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex == 0)
        {
            // The session row exists already: an earlier attempt of this very transaction committed and its answer was
            // lost (Azure.Core retried it). If the row holds our token's hash, the write is done; anything else is a
            // clash nobody can resolve here, and the client may retry.
            var stored = await GetAsync(session.PartitionKey, session.RowKey, ct);
            if (stored is null || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(stored.TokenHash, session.TokenHash))
                throw new SessionException(ErrorTypes.ServerUnavailable, "The session could not be written. Please retry.", e);
        }
    }

    /// <summary>Records when a session is due, so the sweep finds it without scanning sessions.</summary>
    internal async Task IndexExpiryAsync(string organizationId, string sessionRowKey, DateTimeOffset expiresAt, CancellationToken ct) =>
        await tables.Expiry.UpsertEntityAsync(ExpiryRow(organizationId, sessionRowKey, expiresAt), TableUpdateMode.Replace, ct);

    internal async Task RemoveExpiryAsync(string organizationId, string sessionRowKey, DateTimeOffset expiresAt, CancellationToken ct) =>
        await tables.Expiry.DeleteEntityAsync(Keys.ExpiryPartition(expiresAt, sessionRowKey), Keys.ExpiryRow(organizationId, sessionRowKey), ETag.All, ct);

    internal static ExpiryEntity ExpiryRow(string organizationId, string sessionRowKey, DateTimeOffset expiresAt) => new()
    {
        PartitionKey = Keys.ExpiryPartition(expiresAt, sessionRowKey),
        RowKey = Keys.ExpiryRow(organizationId, sessionRowKey),
        OrganizationId = organizationId,
        SessionRowKey = sessionRowKey,
    };

    internal async Task<SessionEntity?> GetAsync(string organizationId, Guid sessionKey, CancellationToken ct) =>
        await GetAsync(organizationId, Keys.Session(sessionKey), ct);

    /// <summary>The expiry of any expiring row of the members table (a session or an Idempotency-Key record), for the sweep.</summary>
    internal async Task<ExpiringRow?> GetExpiringAsync(string organizationId, string rowKey, CancellationToken ct)
    {
        var row = await tables.Members.GetEntityIfExistsAsync<ExpiringRow>(organizationId, rowKey, cancellationToken: ct); // no $select: Azurite then drops the ETag
        return row.HasValue ? row.Value : null;
    }

    internal async Task<SessionEntity?> GetAsync(string organizationId, string rowKey, CancellationToken ct)
    {
        var row = await tables.Members.GetEntityIfExistsAsync<SessionEntity>(organizationId, rowKey, cancellationToken: ct);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Replaces the session if nobody wrote it since it was read; otherwise <see cref="RowChangedException"/>.</summary>
    internal async Task ReplaceAsync(SessionEntity session, CancellationToken ct)
    {
        try
        {
            var response = await tables.Members.UpdateEntityAsync(session, session.ETag, TableUpdateMode.Replace, ct);
            session.ETag = response.Headers.ETag ?? session.ETag;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            throw new RowChangedException(e);
        }
    }

    /// <summary>Deletes one session; false when it was already gone (or changed, with a specific ETag).</summary>
    internal async Task<bool> DeleteAsync(TableRow session, ETag ifMatch, CancellationToken ct)
    {
        try
        {
            // The SDK treats a missing row as a successful (idempotent) delete and answers with its 404 status.
            var response = await tables.Members.DeleteEntityAsync(session.PartitionKey, session.RowKey, ifMatch, ct);
            return response.Status != 404;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    /// <summary>A member's sessions: one single-partition range query over the organization's session rows.</summary>
    internal async Task<List<SessionEntity>> ListForMemberAsync(string organizationId, string memberId, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {organizationId} and RowKey ge {Keys.SessionRangeStart} and RowKey lt {Keys.SessionRangeEnd} and MemberId eq {memberId}");
        var sessions = new List<SessionEntity>();
        await foreach (var s in tables.Members.QueryAsync<SessionEntity>(filter, cancellationToken: ct))
            sessions.Add(s);
        return sessions;
    }

    internal Task DeleteAllAsync(IEnumerable<SessionEntity> sessions, CancellationToken ct) => DeleteAllAsync(tables.Members, sessions, ct);

    /// <summary>Deletes rows of one partition in transactions of up to 100; rows already gone are not an error.</summary>
    internal static async Task DeleteAllAsync(TableClient table, IEnumerable<ITableEntity> rows, CancellationToken ct)
    {
        foreach (var chunk in rows.Chunk(MaxBatch))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), ct);
            }
            catch (TableTransactionFailedException e) when (e.Status == 404)
            {
                // One row vanished (a concurrent revoke or sweep): the transaction failed whole, so delete one by one.
                // A single delete of a missing row is no error (the SDK answers with its 404 status instead of throwing).
                foreach (var r in chunk)
                    await table.DeleteEntityAsync(r.PartitionKey, r.RowKey, ETag.All, ct);
            }
        }
    }
}
