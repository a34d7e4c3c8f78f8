using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Claims;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Core.Features;

public sealed record MigrateCommand(string SessionToken, string OrganizationId, int? SessionDurationMinutes, JsonObject? SessionCustomClaims);

public sealed record SessionResult(Member Member, Organization Organization, MemberSession MemberSession, string SessionToken, string SessionJwt);

/// <summary>
/// <c>POST /v1/b2b/sessions/migrate</c>: trade a legacy provider's access token for a new session of the organization's
/// member with the email the provider's UserInfo endpoint returns. Costs one UserInfo call, one signature and three
/// table round trips (member by email and expiry index side by side, then the session transaction); the organization
/// comes from cache.
/// Input is checked before anything remote is called, and the JWT is signed before anything is written.
/// </summary>
public sealed class MigrateSession(
    OrganizationStore organizations, MemberStore members, SessionStore sessions, UserInfoClient userInfo,
    SessionJwtIssuer jwts, IdFormat ids, TimeProvider time, ILogger<MigrateSession> log)
{
    public async Task<SessionResult> RunAsync(MigrateCommand command, CancellationToken ct)
    {
        var duration = SessionDuration.Validate(command.SessionDurationMinutes ?? SessionDuration.Default);
        var claims = CustomClaims.Merge([], command.SessionCustomClaims);
        var organization = await organizations.GetAsync(command.OrganizationId, ct);
        RequestCosts.SetOrganization(organization.OrganizationId); // telemetry: migrate outcomes by organization
        var email = EmailAddress.Normalize((await userInfo.GetAsync(command.SessionToken, ct)).Email);

        var organizationKey = ids.OrganizationKey(organization.OrganizationId);
        var sessionKey = Guid.NewGuid();
        var sessionId = ids.Session(organizationKey, sessionKey);
        var now = SessionRecords.Truncate(time.GetUtcNow());
        var sessionRow = Keys.Session(sessionKey);
        // The expiry index row depends on nothing but the new session's key and expiry, so it is written while the
        // member is looked up: three round trips, of which only two wait on each other.
        var indexing = sessions.IndexExpiryAsync(organization.OrganizationId, sessionRow, now + duration, ct);
        try
        {
            var result = await Conflicts.RetryAsync(async _ =>
            {
                var stored = await members.FindByEmailAsync(organization.OrganizationId, email, ct);
                if (stored is null || stored.Member.Status == MemberStatus.Deleted)
                    throw new SessionException(ErrorTypes.MigrateEmailNotAMember);

                var member = stored.Member.Status == MemberStatus.Active
                    ? stored.Member
                    : stored.Member with { Status = MemberStatus.Active, UpdatedAt = now };
                var session = new MemberSession
                {
                    MemberSessionId = sessionId,
                    MemberId = member.MemberId,
                    StartedAt = now,
                    LastAccessedAt = now,
                    ExpiresAt = now + duration,
                    AuthenticationFactors = [AuthenticationFactor.Imported(now, stored.EmailId, member.EmailAddress)],
                    OrganizationId = organization.OrganizationId,
                    OrganizationSlug = organization.OrganizationSlug,
                    Roles = member.RoleIds(),
                    CustomClaims = claims,
                };
                var jwt = await jwts.IssueAsync(session, now, ct);

                var token = SessionToken.Create(organizationKey, ids.MemberKey(member.MemberId), sessionKey);
                var entity = SessionRecords.ToEntity(session, SessionToken.Hash(token));
                await indexing; // the session is written only once its expiry is indexed
                var (memberRow, emailRow) = MemberStore.Rows(member, stored.EmailId);
                await sessions.InsertAsync(entity, stored, ReferenceEquals(member, stored.Member) ? null : memberRow, emailRow, ct);
                return new SessionResult(member, organization, session, token, jwt);
            }, ct);
            log.LogInformation("Migrated a session for member {MemberId} of {OrganizationId}.", result.Member.MemberId, organization.OrganizationId);
            return result;
        }
        catch
        {
            await RemoveIndexAsync(indexing, organization.OrganizationId, sessionRow, now + duration);
            throw;
        }
    }

    /// <summary>
    /// A failed migrate leaves nothing behind, not even its expiry index row. The index write may still be in flight
    /// (the member lookup failed first), so it is awaited before the row is removed.
    /// </summary>
    private async Task RemoveIndexAsync(Task indexing, string organizationId, string sessionRow, DateTimeOffset expiresAt)
    {
        try { await indexing; }
        catch { return; } // never written
        try { await sessions.RemoveExpiryAsync(organizationId, sessionRow, expiresAt, CancellationToken.None); }
        catch (Exception e) { log.LogWarning(e, "Could not remove the expiry index row of a failed migrate; the sweep will."); }
    }
}
