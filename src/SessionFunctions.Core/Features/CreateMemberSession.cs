using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// What migrate and exchange ask for: a new session of <paramref name="Organization"/>'s member with this email.
/// <paramref name="Factors"/> makes the session's factors from the member found and the time; <paramref name="NotAMember"/>
/// is the error when no live member has the email; <paramref name="AlsoWrite"/> adds one row to the session's transaction.
/// </summary>
internal sealed record NewMemberSession(
    Organization Organization, string NormalizedEmail, TimeSpan Duration, JsonObject CustomClaims, ErrorType NotAMember,
    Func<StoredMember, DateTimeOffset, IReadOnlyList<AuthenticationFactor>> Factors,
    Func<SessionResult, TableTransactionAction>? AlsoWrite = null);

/// <summary>
/// Creates a session for the member with a given email: looks the member up (one point read) while the expiry index row
/// is written, activates a pending or invited member, signs the JWT before anything else is written, and writes the
/// session in one transaction conditional on the member's email row, so a member deleted or changed in between never
/// keeps a session. A failure leaves nothing behind, not even the expiry index row.
/// </summary>
public sealed class CreateMemberSession(
    MemberStore members, SessionStore sessions, SessionJwtIssuer jwts, IdFormat ids, TimeProvider time, ILogger<CreateMemberSession> log)
{
    internal async Task<SessionResult> RunAsync(NewMemberSession request, CancellationToken ct)
    {
        var organization = request.Organization;
        var organizationKey = ids.OrganizationKey(organization.OrganizationId);
        var sessionKey = Guid.NewGuid();
        var sessionId = ids.Session(organizationKey, sessionKey);
        var now = SessionRecords.Truncate(time.GetUtcNow());
        var sessionRow = Keys.Session(sessionKey);
        // The expiry index row depends on nothing but the new session's key and expiry, so it is written while the
        // member is looked up: three round trips, of which only two wait on each other.
        var indexing = sessions.IndexExpiryAsync(organization.OrganizationId, sessionRow, now + request.Duration, ct);
        try
        {
            return await Conflicts.RetryAsync(async _ =>
            {
                var stored = await members.FindByEmailAsync(organization.OrganizationId, request.NormalizedEmail, ct);
                if (stored is null || stored.Member.Status == MemberStatus.Deleted)
                    throw new SessionException(request.NotAMember);

                var member = stored.Member.Status == MemberStatus.Active
                    ? stored.Member
                    : stored.Member with { Status = MemberStatus.Active, UpdatedAt = now };
                var session = new MemberSession
                {
                    MemberSessionId = sessionId,
                    MemberId = member.MemberId,
                    StartedAt = now,
                    LastAccessedAt = now,
                    ExpiresAt = now + request.Duration,
                    AuthenticationFactors = request.Factors(stored, now),
                    OrganizationId = organization.OrganizationId,
                    OrganizationSlug = organization.OrganizationSlug,
                    Roles = RoleAssignments.SessionRoles(member, organization),
                    CustomClaims = request.CustomClaims,
                };
                var jwt = await jwts.IssueAsync(session, now, ct);
                var token = SessionToken.Create(organizationKey, ids.MemberKey(member.MemberId), sessionKey);
                var result = new SessionResult(member, organization, session, token, jwt);

                var entity = SessionRecords.ToEntity(session, SessionToken.Hash(token));
                await indexing; // the session is written only once its expiry is indexed
                var (memberRow, emailRow) = MemberStore.Rows(member, stored.EmailId);
                await sessions.InsertAsync(entity, stored, ReferenceEquals(member, stored.Member) ? null : memberRow, emailRow, ct,
                    request.AlsoWrite?.Invoke(result));
                return result;
            }, ct);
        }
        catch
        {
            await RemoveIndexAsync(indexing, organization.OrganizationId, sessionRow, now + request.Duration);
            throw;
        }
    }

    /// <summary>
    /// A failed write leaves nothing behind, not even its expiry index row. The index write may still be in flight
    /// (the member lookup failed first), so it is awaited before the row is removed.
    /// </summary>
    private async Task RemoveIndexAsync(Task indexing, string organizationId, string sessionRow, DateTimeOffset expiresAt)
    {
        try { await indexing; }
        catch { return; } // never written
        try { await sessions.RemoveExpiryAsync(organizationId, sessionRow, expiresAt, CancellationToken.None); }
        catch (Exception e) { log.LogWarning(e, "Could not remove the expiry index row of a failed session write; the sweep will."); }
    }
}
