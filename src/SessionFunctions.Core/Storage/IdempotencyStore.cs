using Azure;
using Azure.Data.Tables;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// An Idempotency-Key record, in the organization's partition of the members table (row <c>idem|{derived hash}</c>),
/// marked done once migrate's session is written. Holds no token: only a keyed fingerprint of the request and,
/// once done, the answer sealed under a key derived from the Idempotency-Key.
/// </summary>
internal sealed class IdempotencyEntity : TableRow
{
    public const string Running = "running", Done = "done";

    public string State { get; set; } = Running;
    public byte[] Fingerprint { get; set; } = [];
    /// <summary>After this the record is ignored (and overwritten by the next request with its key).</summary>
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>A running request older than this is taken to have died; another may take the record over.</summary>
    public DateTimeOffset LeaseUntil { get; set; }
    public byte[] Answer { get; set; } = [];
}

/// <summary>Reads and conditionally writes <see cref="IdempotencyEntity"/> rows; every write is conditional.</summary>
public sealed class IdempotencyStore(SessionTables tables)
{
    /// <summary>Adds the record; false when one already exists.</summary>
    internal async Task<bool> TryAddAsync(IdempotencyEntity row, CancellationToken ct)
    {
        try
        {
            var response = await tables.Members.AddEntityAsync(row, ct);
            row.ETag = response.Headers.ETag ?? row.ETag;
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces the record if it still has <paramref name="row"/>'s ETag; false when someone else got there first.</summary>
    internal async Task<bool> TryReplaceAsync(IdempotencyEntity row, CancellationToken ct)
    {
        try
        {
            var response = await tables.Members.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, ct);
            row.ETag = response.Headers.ETag ?? row.ETag;
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    internal async Task<IdempotencyEntity?> GetAsync(string organizationId, string rowKey, CancellationToken ct)
    {
        var row = await tables.Members.GetEntityIfExistsAsync<IdempotencyEntity>(organizationId, rowKey, cancellationToken: ct);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Deletes the record if it is still the one <paramref name="row"/> wrote.</summary>
    internal async Task DeleteAsync(IdempotencyEntity row, CancellationToken ct)
    {
        try { await tables.Members.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct); }
        catch (RequestFailedException e) when (e.Status == 412) { /* taken over: not ours to delete */ }
    }

    /// <summary>The record marked done with its sealed answer, carrying the ETag it was written with (for a conditional replace).</summary>
    internal static IdempotencyEntity Completed(IdempotencyEntity row, byte[] sealedAnswer) => new()
    {
        PartitionKey = row.PartitionKey, RowKey = row.RowKey, State = IdempotencyEntity.Done, Fingerprint = row.Fingerprint,
        ExpiresAt = row.ExpiresAt, LeaseUntil = row.LeaseUntil, Answer = sealedAnswer, ETag = row.ETag,
    };
}
