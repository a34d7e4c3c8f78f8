using Azure;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

public sealed record RevokeCommand(string? MemberSessionId, string? SessionToken, string? SessionJwt, string? MemberId);

/// <summary>
/// <c>POST /v1/b2b/sessions/revoke</c>: delete one session (by id, token or JWT) or all of a member's sessions.
/// The row is gone at once, so every later authenticate fails, even with a JWT whose five minutes have not run out.
/// One session is revoked only while it is live (<see cref="LiveSessions"/>): a session of a deleted member is already
/// as good as revoked and answers session_not_found. Revoking by member_id also works for a deleted member, and removes
/// whatever session rows an interrupted deletion left.
/// </summary>
public sealed class RevokeSessions(SessionLocator locator, LiveSessions live, SessionStore sessions, MemberStore members, IdFormat ids, TimeProvider time)
{
    public async Task RunAsync(RevokeCommand c, CancellationToken ct)
    {
        var given = new[] { c.MemberSessionId, c.SessionToken, c.SessionJwt, c.MemberId }.Count(v => !string.IsNullOrEmpty(v));
        if (given == 0) throw new SessionException(ErrorTypes.NoSessionRevokeArguments);
        if (given > 1) throw new SessionException(ErrorTypes.TooManySessionRevokeArguments);

        if (!string.IsNullOrEmpty(c.MemberId))
        {
            await RevokeAllOfMemberAsync(c.MemberId, ct);
            return;
        }
        var address = !string.IsNullOrEmpty(c.MemberSessionId) ? locator.FromSessionId(c.MemberSessionId)
            : !string.IsNullOrEmpty(c.SessionToken) ? locator.FromToken(c.SessionToken)
            : await locator.FromJwtAsync(c.SessionJwt!, ct);
        var (row, _) = await live.ReadAsync(address, time.GetUtcNow(), ct);
        if (!await sessions.DeleteAsync(row, ETag.All, ct))
            throw new SessionException(ErrorTypes.SessionNotFound);
    }

    private async Task RevokeAllOfMemberAsync(string memberId, CancellationToken ct)
    {
        if (!ids.TryParseMember(memberId, out var organizationKey, out var memberKey)
            || await members.GetAsync(ids.Organization(organizationKey), memberKey, ct) is null)
            throw new SessionException(ErrorTypes.MemberNotFound);
        await sessions.DeleteAllAsync(await sessions.ListForMemberAsync(ids.Organization(organizationKey), memberId, memberKey, ct), ct);
    }
}
