using System.Text.Json.Nodes;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Claims;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

public sealed record AuthenticateCommand(
    string? SessionToken, string? SessionJwt, int? SessionDurationMinutes, JsonObject? SessionCustomClaims, AuthorizationCheck? AuthorizationCheck = null);

/// <summary>
/// <c>POST /v1/b2b/sessions/authenticate</c>: check a session by token or by JWT (an expired JWT is fine while its
/// session lives), move <c>last_accessed_at</c>, extend it to now + <c>session_duration_minutes</c> when given, merge
/// custom claims, and hand back a fresh JWT. An extension never shortens a session, so concurrent extensions end at
/// the latest expiry any of them asked for, whatever order their writes land in. The session and its member are read
/// together (<see cref="LiveSessions"/>: one range read for a session stored next to its member), so the answer and the
/// JWT show the member as it is now, and a deleted member's session is refused; then one conditional write. A lost race re-reads and re-applies,
/// so concurrent updates are never lost. No session token is stored, so a JWT-authenticated answer carries an empty
/// <c>session_token</c>. With <c>Signing__JwtReuseWindow</c> set, an unchanged session's recent JWT is reused. An
/// <c>authorization_check</c> is decided (<see cref="SessionAuthorization"/>) before anything is signed or written, so a
/// refused call neither extends nor rewrites the session.
/// </summary>
public sealed class AuthenticateSession(
    SessionLocator locator, LiveSessions live, SessionStore sessions, OrganizationStore organizations, SessionJwtReuse jwts, TimeProvider time,
    SessionAuthorization authorization)
{
    public async Task<SessionResult> RunAsync(AuthenticateCommand command, CancellationToken ct)
    {
        TimeSpan? extendBy = command.SessionDurationMinutes is { } minutes ? SessionDuration.Validate(minutes) : null;
        CustomClaims.Merge([], command.SessionCustomClaims); // reject bad claims before any read
        var address = await locator.FromTokenOrJwtAsync(command.SessionToken, command.SessionJwt, ct);
        var organization = await organizations.FindAsync(address.OrganizationId, ct) ?? throw new SessionException(ErrorTypes.SessionNotFound);
        return await UpdateAsync(address, organization, extendBy, command.SessionCustomClaims, command.AuthorizationCheck, null, ct);
    }

    /// <summary>
    /// The write of an authenticate: moves <c>last_accessed_at</c>, extends, merges claims, signs, and writes conditionally,
    /// retrying a lost race. <paramref name="change"/> (attest) may refuse the live session's member or change the row
    /// further before it is signed and written; it runs again on a retry.
    /// </summary>
    internal Task<SessionResult> UpdateAsync(SessionAddress address, Organization organization, TimeSpan? extendBy, JsonObject? customClaims,
        AuthorizationCheck? authorizationCheck, Action<SessionEntity, Member, DateTimeOffset>? change, CancellationToken ct) =>
        Conflicts.RetryAsync(async _ =>
        {
            var now = SessionRecords.Truncate(time.GetUtcNow());
            var (row, member) = await live.ReadAsync(address, now, ct);
            change?.Invoke(row, member, now);
            row.LastAccessedAt = now;
            if (extendBy is { } d && now + d > row.ExpiresAt) row.ExpiresAt = now + d; // extending never shortens
            if (customClaims is not null)
                row.CustomClaims = CustomClaims.Serialize(CustomClaims.Merge(CustomClaims.Parse(row.CustomClaims), customClaims));

            var session = SessionRecords.ToMemberSession(row, address.MemberSessionId, organization, member);
            var verdict = authorization.Check(authorizationCheck, organization, session.Roles); // refused: nothing signed or written
            var jwt = await jwts.IssueAsync(session, now, ct);
            await sessions.ReplaceAsync(row, ct);
            return new SessionResult(member, organization, session, address.Token ?? "", jwt) { Verdict = verdict };
        }, ct);
}
