using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// What migrate and exchange ask for: a new session of <paramref name="Organization"/>'s member with this email.
/// <paramref name="Provider"/> is the legacy provider that vouches for it (recorded on the session, compared by
/// exchange); <paramref name="Factors"/> makes the session's factors from the member found and the time;
/// <paramref name="NotAMember"/> is the error when no live member has the email; <paramref name="FirstSight"/>, when
/// the email is verified, is who to create if no member has the email and the organization provisions members on
/// first sight.
/// </summary>
internal sealed record NewMemberSession(
    Organization Organization, string NormalizedEmail, TimeSpan Duration, JsonObject CustomClaims, ErrorType NotAMember, string Provider,
    Func<StoredMember, DateTimeOffset, IReadOnlyList<AuthenticationFactor>> Factors, FirstSight? FirstSight = null);

/// <summary>A verified email (as the provider spelled it) and the name the provider gave, for a member made on first sight.</summary>
internal sealed record FirstSight(string EmailAddress, string? Name);

/// <summary>
/// Creates a session for the member with a given email, next to the member in its partition: looks the member up (one
/// point read), reads the member's sessions (a narrow range read) while the expiry index row is written, signs the JWT,
/// and writes the session in one transaction that also deletes the member's oldest sessions past
/// <c>Sessions__MaxSessionsPerMember</c> and, only when a pending or invited member becomes active, rewrites the member
/// rows conditionally. No member row is rewritten otherwise, so parallel logins of one member do not fight; a retry
/// after a lost race signs again only if what the JWT carries changed. A failure leaves nothing behind, not even the
/// expiry index row.
/// </summary>
public sealed class CreateMemberSession(
    MemberStore members, CreateMember creator, SessionStore sessions, SessionJwtIssuer jwts, IdFormat ids, IOptions<SessionsOptions> options, TimeProvider time,
    ILogger<CreateMemberSession> log)
{
    /// <summary>A transaction holds 100 actions: the session, two member rows when activating, and the evictions.</summary>
    private const int MaxEvictionsPerTransaction = 97;
    private readonly int _cap = options.Value.MaxSessionsPerMember;

    private sealed record Indexed(string Partition, string RowKey, Task Write);

    internal async Task<SessionResult> RunAsync(NewMemberSession request, CancellationToken ct)
    {
        var organization = request.Organization;
        var organizationKey = ids.OrganizationKey(organization.OrganizationId);
        var sessionKey = Guid.NewGuid();
        var now = SessionRecords.Truncate(time.GetUtcNow());
        var expiresAt = now + request.Duration;
        Indexed? indexed = null;
        (string Claims, string Jwt)? signed = null;
        try
        {
            return await Conflicts.RetryAsync(async _ =>
            {
                var stored = await members.FindByEmailAsync(organization, request.NormalizedEmail, ct)
                    ?? await FirstSightAsync(request, ct);
                if (stored is null || stored.Member.Status == MemberStatus.Deleted)
                    throw new SessionException(request.NotAMember);
                var memberKey = ids.MemberKey(stored.Member.MemberId);
                var partition = MemberPartition.Of(organization.OrganizationId, memberKey);
                var rowKey = Keys.MemberSession(memberKey, sessionKey);
                // The index row names the session's row, known once the member is: written while the member's sessions are read.
                if (indexed is null || indexed.RowKey != rowKey)
                {
                    if (indexed is not null) await RemoveIndexAsync(indexed, organization.OrganizationId, expiresAt);
                    indexed = new(partition, rowKey, sessions.IndexExpiryAsync(organization.OrganizationId, partition, rowKey, expiresAt, ct));
                }
                var existing = await sessions.ListStubsAsync(partition, memberKey, ct);

                var activate = stored.Member.Status != MemberStatus.Active;
                var member = activate ? stored.Member with { Status = MemberStatus.Active, UpdatedAt = now } : stored.Member;
                var session = new MemberSession
                {
                    MemberSessionId = ids.Session(organizationKey, memberKey, sessionKey),
                    MemberId = member.MemberId,
                    StartedAt = now,
                    LastAccessedAt = now,
                    ExpiresAt = expiresAt,
                    AuthenticationFactors = request.Factors(stored, now),
                    OrganizationId = organization.OrganizationId,
                    OrganizationSlug = organization.OrganizationSlug,
                    Roles = RoleAssignments.SessionRoles(member, organization),
                    CustomClaims = request.CustomClaims,
                };
                // Sign once per session: a retry reuses the JWT unless something it carries changed (the member's roles, say).
                var claims = JsonSerializer.Serialize(session, SessionJson.Options);
                var jwt = signed is { } s && s.Claims == claims ? s.Jwt : await jwts.IssueAsync(session, now, ct);
                signed = (claims, jwt);
                var token = SessionToken.Create(organizationKey, memberKey, sessionKey);
                var result = new SessionResult(member, organization, session, token, jwt);

                var entity = SessionRecords.ToEntity(session, SessionToken.Hash(token), partition, rowKey, request.Provider);
                await indexed.Write; // the session is written only once its expiry is indexed
                await sessions.InsertAsync(entity, stored, activate ? MemberStore.Rows(member, stored.EmailId) : null, Evicted(existing, now), ct);
                return result;
            }, ct);
        }
        catch
        {
            if (indexed is not null) await RemoveIndexAsync(indexed, organization.OrganizationId, expiresAt);
            throw;
        }
    }

    /// <summary>The member's sessions to delete so that, with the new one, it holds at most the cap: expired ones first, then the oldest.</summary>
    private IEnumerable<SessionStub> Evicted(List<SessionStub> existing, DateTimeOffset now) =>
        existing.OrderBy(s => s.ExpiresAt > now).ThenBy(s => s.StartedAt)
            .Take(Math.Min(Math.Max(0, existing.Count + 1 - _cap), MaxEvictionsPerTransaction));

    /// <summary>
    /// Just-in-time provisioning: when no member has the email, an organization with <c>email_jit_provisioning</c>
    /// <c>RESTRICTED</c> and the email's domain in <c>email_allowed_domains</c> gets an active member with a verified
    /// email, made by the one member-creating path (<see cref="CreateMember"/>), without taking over a deleted member's
    /// email. Concurrent first sights race on the member's creating transaction: exactly one wins, the others read the
    /// winner's member. Null when the organization does not provision this email (the caller answers NotAMember).
    /// </summary>
    private async Task<StoredMember?> FirstSightAsync(NewMemberSession request, CancellationToken ct)
    {
        if (request.FirstSight is not { } sight || !EmailAddress.IsValid(sight.EmailAddress)
            || !OrganizationSettings.ProvisionsOnFirstSight(request.Organization, request.NormalizedEmail))
            return null;
        var name = sight.Name is { } n && MemberNames.IsValidName(n) ? n : null;
        var draft = creator.Check(new CreateMemberCommand(request.Organization.OrganizationId, sight.EmailAddress, name, null, null, null, null, false, false));
        try
        {
            var created = await creator.CreateAsync(request.Organization, draft, emailVerified: true, takeOverDeleted: false, ct);
            log.LogInformation("Created member {MemberId} of {OrganizationId} on first sight.", created.Member.MemberId, request.Organization.OrganizationId);
            return created.ETag == default
                ? await members.FindByEmailAsync(request.Organization, request.NormalizedEmail, ct)
                : created;
        }
        catch (SessionException e) when (e.Type == ErrorTypes.DuplicateMemberEmail)
        {
            // Another first sight (or a create) won the race: use its member. A deleted one stays refused.
            return await members.FindByEmailAsync(request.Organization, request.NormalizedEmail, ct);
        }
    }

    /// <summary>
    /// A failed write leaves nothing behind, not even its expiry index row. The index write may still be in flight
    /// (the member lookup failed first), so it is awaited before the row is removed.
    /// </summary>
    private async Task RemoveIndexAsync(Indexed indexed, string organizationId, DateTimeOffset expiresAt)
    {
        try { await indexed.Write; }
        catch { return; } // never written
        try { await sessions.RemoveExpiryAsync(organizationId, indexed.Partition, indexed.RowKey, expiresAt, CancellationToken.None); }
        catch (Exception e) { log.LogWarning(e, "Could not remove the expiry index row of a failed session write; the sweep will."); }
    }
}
