using Azure;
using Azure.Data.Tables;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// Sessions, next to their member in its partition of the members table (or, made before that layout, in their
/// organization's partition), and their expiry index. Every path is a point read or a single-partition query; updates
/// are conditional on the ETag they read.
/// </summary>
public sealed class SessionStore(SessionTables tables)
{
    private const int MaxBatch = 100;

    /// <summary>
    /// Writes a new session, in its member's partition. No member row is rewritten as a guard (parallel logins of one
    /// member would fight over it): a session written for a member deleted meanwhile grants nothing, because every use
    /// reads the member row, and the deletion removes the member's sessions after marking it deleted.
    /// <paramref name="activated"/> (both member rows, the email row conditional on <paramref name="guard"/>'s ETag)
    /// is written only when the member's status changes; <paramref name="evicted"/> are the member's oldest sessions,
    /// deleted in the same transaction to keep it under the cap.
    /// </summary>
    internal async Task InsertAsync(SessionEntity session, StoredMember guard, (MemberEntity MemberRow, MemberEntity EmailRow)? activated,
        IEnumerable<TableRow> evicted, CancellationToken ct)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.Add, session) };
        if (activated is { } rows)
        {
            actions.Add(new(TableTransactionActionType.UpdateReplace, rows.EmailRow, guard.ETag));
            actions.Add(new(TableTransactionActionType.UpdateReplace, rows.MemberRow, ETag.All));
        }
        actions.AddRange(evicted.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)));
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

    /// <summary>Records when a row of the members table is due, so the sweep finds it without scanning sessions.</summary>
    internal async Task IndexExpiryAsync(string organizationId, string partition, string rowKey, DateTimeOffset expiresAt, CancellationToken ct) =>
        await tables.Expiry.UpsertEntityAsync(ExpiryRow(organizationId, partition, rowKey, expiresAt), TableUpdateMode.Replace, ct);

    internal async Task RemoveExpiryAsync(string organizationId, string partition, string rowKey, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var row = ExpiryRow(organizationId, partition, rowKey, expiresAt); // the keys IndexExpiryAsync wrote
        await tables.Expiry.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, ct);
    }

    internal static ExpiryEntity ExpiryRow(string organizationId, string partition, string rowKey, DateTimeOffset expiresAt) => new()
    {
        PartitionKey = Keys.ExpiryPartition(expiresAt, partition),
        RowKey = Keys.ExpiryRow(organizationId, rowKey),
        OrganizationId = organizationId,
        SessionPartition = partition,
        SessionRowKey = rowKey,
    };

    /// <summary>
    /// One single-partition range read from a member's row to one of its sessions (<paramref name="upToRowKey"/>), or
    /// to its last session: the member row comes first, then its sessions in key order. Every row read counts against the
    /// partition's throughput, so the count goes into the request's cost (<c>entities=</c>).
    /// </summary>
    internal async Task<(StoredMember? Member, List<SessionEntity> Sessions)> ReadMemberAsync(string partition, Guid memberKey, string? upToRowKey, CancellationToken ct)
    {
        var filter = upToRowKey is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {Keys.Member(memberKey)} and RowKey lt {Keys.MemberSessionsEnd(memberKey)}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {Keys.Member(memberKey)} and RowKey le {upToRowKey}");
        StoredMember? member = null;
        var sessions = new List<SessionEntity>();
        var scanned = 0;
        await foreach (var e in tables.Members.QueryAsync<TableEntity>(filter, cancellationToken: ct))
        {
            scanned++;
            if (e.RowKey == Keys.Member(memberKey)) member = StoredMember.From(MemberRow(e));
            else if (Keys.IsMemberSession(e.RowKey)) sessions.Add(SessionRow(e));
        }
        Diagnostics.RequestCosts.AddEntitiesScanned(scanned);
        return (member, sessions);
    }

    /// <summary>The keys, start and expiry of a member's sessions (those stored next to it), for the cap: a narrow read.</summary>
    internal async Task<List<SessionStub>> ListStubsAsync(string partition, Guid memberKey, CancellationToken ct)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey gt {Keys.MemberSessionsStart(memberKey)} and RowKey lt {Keys.MemberSessionsEnd(memberKey)}");
        var stubs = new List<SessionStub>();
        await foreach (var s in tables.Members.QueryAsync<SessionStub>(filter, select: ["PartitionKey", "RowKey", "StartedAt", "ExpiresAt"], cancellationToken: ct))
            stubs.Add(s);
        Diagnostics.RequestCosts.AddEntitiesScanned(stubs.Count);
        return stubs;
    }

    private static MemberEntity MemberRow(TableEntity e) => new()
    {
        PartitionKey = e.PartitionKey, RowKey = e.RowKey, ETag = e.ETag, Timestamp = e.Timestamp,
        MemberId = e.GetString(nameof(MemberEntity.MemberId)) ?? "", Status = e.GetString(nameof(MemberEntity.Status)) ?? "",
        EmailId = e.GetString(nameof(MemberEntity.EmailId)) ?? "", Payload = e.GetString(nameof(MemberEntity.Payload)) ?? "",
    };

    private static SessionEntity SessionRow(TableEntity e) => new()
    {
        PartitionKey = e.PartitionKey, RowKey = e.RowKey, ETag = e.ETag, Timestamp = e.Timestamp,
        MemberId = e.GetString(nameof(SessionEntity.MemberId)) ?? "",
        Provider = e.GetString(nameof(SessionEntity.Provider)) ?? "",
        StartedAt = e.GetDateTimeOffset(nameof(SessionEntity.StartedAt)) ?? default,
        LastAccessedAt = e.GetDateTimeOffset(nameof(SessionEntity.LastAccessedAt)) ?? default,
        ExpiresAt = e.GetDateTimeOffset(nameof(SessionEntity.ExpiresAt)) ?? default,
        TokenHash = e.GetBinary(nameof(SessionEntity.TokenHash)) ?? [],
        Factors = e.GetString(nameof(SessionEntity.Factors)) ?? "[]",
        CustomClaims = e.GetString(nameof(SessionEntity.CustomClaims)) ?? "{}",
    };

    /// <summary>The expiry of any expiring row of the members table (a session or an Idempotency-Key record), for the sweep.</summary>
    internal async Task<ExpiringRow?> GetExpiringAsync(string partition, string rowKey, CancellationToken ct)
    {
        var row = await tables.Members.GetEntityIfExistsAsync<ExpiringRow>(partition, rowKey, cancellationToken: ct); // no $select: Azurite then drops the ETag
        return row.HasValue ? row.Value : null;
    }

    internal async Task<SessionEntity?> GetAsync(string partition, string rowKey, CancellationToken ct)
    {
        var row = await tables.Members.GetEntityIfExistsAsync<SessionEntity>(partition, rowKey, cancellationToken: ct);
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

    /// <summary>
    /// A member's sessions: those stored next to it (one range read of its partition) and, for a member of the first
    /// layout (a v4 key, in its organization's partition), those stored there before (a query over the organization's
    /// <c>session|</c> rows, filtered by member: the first layout's cost). Members with sharded keys have only the former.
    /// </summary>
    internal async Task<List<SessionEntity>> ListForMemberAsync(string organizationId, string memberId, Guid memberKey, CancellationToken ct)
    {
        var partition = MemberPartition.Of(organizationId, memberKey);
        var nextToMember = QueryAsync(TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey gt {Keys.MemberSessionsStart(memberKey)} and RowKey lt {Keys.MemberSessionsEnd(memberKey)}"), ct);
        var firstLayout = partition == organizationId ? ListFirstLayoutAsync(organizationId, memberId, ct) : Task.FromResult(new List<SessionEntity>());
        return [.. await nextToMember, .. await firstLayout];
    }

    /// <summary>Sessions of the first layout (<c>session|{key}</c> in the organization's partition) of one member.</summary>
    internal Task<List<SessionEntity>> ListFirstLayoutAsync(string organizationId, string memberId, CancellationToken ct) =>
        QueryAsync(TableClient.CreateQueryFilter(
            $"PartitionKey eq {organizationId} and RowKey ge {Keys.SessionRangeStart} and RowKey lt {Keys.SessionRangeEnd} and MemberId eq {memberId}"), ct);

    private async Task<List<SessionEntity>> QueryAsync(string filter, CancellationToken ct)
    {
        var sessions = new List<SessionEntity>();
        await foreach (var s in tables.Members.QueryAsync<SessionEntity>(filter, cancellationToken: ct))
            sessions.Add(s);
        Diagnostics.RequestCosts.AddEntitiesScanned(sessions.Count); // revoke-all and deletes scan a member's sessions
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
