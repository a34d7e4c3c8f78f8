using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>The outcome of claiming an Idempotency-Key: either the first answer again, or the right to run the request.</summary>
internal sealed record IdempotencyClaim(IdempotencyKey Key, IdempotencyEntity? Record, SessionResult? Replay);

/// <summary>
/// The IETF httpapi Idempotency-Key draft for migrate. The first request with a key adds a <c>running</c> record; once
/// the session is written, the record is marked <c>done</c> with the answer sealed under the key (the record is in the
/// organization's partition, the session in its member's, so they cannot share a transaction: a crash between the two
/// leaves the record running until its lease lapses, and a retry then makes a new session whose token is the only one
/// ever delivered). A later request with the key and the same fingerprint gets that answer again, with
/// no UserInfo call and no signature; another fingerprint is a 422; a record still running is a 409. A failed request
/// deletes its record (a failure is not remembered, so a retry runs again). Records count as gone after 24 hours; a
/// running record whose lease passed (its request died) may be taken over. Expired records are ignored when read and
/// overwritten by the next request with their key, and the sweep deletes them: each record is put in the expiry index
/// (before it is written) like a session. A replay never revives: the first answer is given again only while its
/// session is live (<see cref="LiveSessions"/>: not revoked, not expired, its member not deleted); otherwise the record
/// is taken over like an expired one and the request runs again as a fresh request would (the provider is asked again;
/// the answer is a new session or the error a fresh request gets).
/// </summary>
public sealed class IdempotentRequests(
    IdempotencyStore store, SessionStore sessions, SessionLocator locator, LiveSessions live, IOptions<SessionsOptions> options, TimeProvider time,
    ILogger<IdempotentRequests> log)
{
    private readonly byte[] _salt = IdempotencyKey.Salt(options.Value.ProjectSecret);

    /// <summary>Reads an Idempotency-Key header value (400 when malformed), keyed with this service's secret salt.</summary>
    public IdempotencyKey Parse(string value) => IdempotencyKey.Parse(value, _salt);

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    private const int MaxAttempts = 3;

    internal async Task<IdempotencyClaim> BeginAsync(string organizationId, IdempotencyKey key, byte[] fingerprint, TimeSpan lease, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            var record = new IdempotencyEntity
            {
                PartitionKey = organizationId, RowKey = key.RowKey, Fingerprint = fingerprint, ExpiresAt = now + Lifetime, LeaseUntil = now + lease,
            };
            // Indexed before it is written, so the sweep finds every record, even one whose request died just after.
            await sessions.IndexExpiryAsync(organizationId, organizationId, key.RowKey, record.ExpiresAt, ct);
            if (await store.TryAddAsync(record, ct)) return new(key, record, null);

            var existing = await store.GetAsync(organizationId, key.RowKey, ct);
            if (existing is null) continue; // deleted by a request that failed in between: try again
            if (existing.ExpiresAt <= now || existing.State == IdempotencyEntity.Running && existing.LeaseUntil <= now)
            {
                record.ETag = existing.ETag;
                if (await store.TryReplaceAsync(record, ct)) return new(key, record, null);
                continue;
            }
            if (!CryptographicOperations.FixedTimeEquals(existing.Fingerprint, fingerprint))
                throw new SessionException(ErrorTypes.IdempotencyKeyReused);
            if (existing.State == IdempotencyEntity.Running)
                throw new SessionException(ErrorTypes.IdempotencyRequestInProgress);
            var answer = key.Open(existing.Answer) ?? throw new SessionException(ErrorTypes.IdempotencyKeyReused);
            var replay = JsonSerializer.Deserialize<SessionResult>(answer, SessionJson.Options)!;
            if (await IsLiveAsync(replay, now, ct)) return new(key, null, replay);
            // The session of the first answer was revoked or expired, or its member deleted: that answer no longer
            // stands, and the request runs again in its place.
            record.ETag = existing.ETag;
            if (await store.TryReplaceAsync(record, ct)) return new(key, record, null);
        }
        throw new SessionException(ErrorTypes.IdempotencyRequestInProgress);
    }

    /// <summary>Whether the session a stored answer holds may still be used: the session and its member, two concurrent point reads.</summary>
    private async Task<bool> IsLiveAsync(SessionResult replay, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await live.ReadAsync(locator.FromToken(replay.SessionToken), now, ct);
            return true;
        }
        catch (SessionException e) when (e.Type == ErrorTypes.SessionNotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Marks the claim done with <paramref name="result"/>, once its session is written (they live in different
    /// partitions), conditional on the record being still ours. If another request took the record over meanwhile (our
    /// lease lapsed), the session stands and the record is theirs.
    /// </summary>
    internal async Task CompleteAsync(IdempotencyClaim claim, SessionResult result, CancellationToken ct)
    {
        var done = IdempotencyStore.Completed(claim.Record!, claim.Key.Seal(JsonSerializer.SerializeToUtf8Bytes(result, SessionJson.Options)));
        if (!await store.TryReplaceAsync(done, ct))
            log.LogWarning("An Idempotency-Key record was taken over before its request finished; its session stands, a retry makes another.");
    }

    /// <summary>Forgets a claim whose request failed, so that a retry runs again. If this fails, the lease runs out.</summary>
    internal async Task AbandonAsync(IdempotencyClaim claim)
    {
        try
        {
            await store.DeleteAsync(claim.Record!, CancellationToken.None);
            await sessions.RemoveExpiryAsync(claim.Record!.PartitionKey, claim.Record.PartitionKey, claim.Record.RowKey, claim.Record.ExpiresAt, CancellationToken.None);
        }
        catch (Exception e) { log.LogWarning(e, "Could not delete the Idempotency-Key record of a failed request; it lapses when its lease ends, and the sweep removes it."); }
    }
}
