using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Signing;

namespace SessionFunctions.Core.Features;

/// <summary>
/// Where a session lives, and the proof the caller holds: its token, or a verified JWT. <see cref="MemberId"/> is the
/// member the proof names (a token's selector or a JWT's <c>sub</c>); null when only the session id is known.
/// </summary>
internal sealed record SessionAddress(string OrganizationId, Guid SessionKey, string MemberSessionId, string? Token, string? MemberId);

/// <summary>Turns a session_token, session_jwt or member_session_id into a <see cref="SessionAddress"/> without storage.</summary>
public sealed class SessionLocator(SessionJwtReader jwts, IdFormat ids)
{
    internal SessionAddress FromToken(string token)
    {
        if (!SessionToken.TryParse(token, out var selector)) throw new SessionException(ErrorTypes.SessionNotFound);
        var memberId = selector.Member is { } member ? ids.Member(selector.Organization, member) : null;
        return new SessionAddress(ids.Organization(selector.Organization), selector.Session, ids.Session(selector.Organization, selector.Session), token, memberId);
    }

    internal async Task<SessionAddress> FromJwtAsync(string jwt, CancellationToken ct)
    {
        var claims = await jwts.ReadAsync(jwt, ct);
        var address = FromSessionId(claims.MemberSessionId);
        return address.OrganizationId == claims.OrganizationId
            ? address with { MemberId = claims.MemberId }
            : throw new SessionException(ErrorTypes.SessionNotFound);
    }

    internal SessionAddress FromSessionId(string memberSessionId) =>
        ids.TryParseSession(memberSessionId, out var organization, out var session)
            ? new SessionAddress(ids.Organization(organization), session, memberSessionId, null, null)
            : throw new SessionException(ErrorTypes.SessionNotFound);

    /// <summary>Exactly one of token and JWT, as authenticate requires.</summary>
    internal async Task<SessionAddress> FromTokenOrJwtAsync(string? token, string? jwt, CancellationToken ct) =>
        (string.IsNullOrEmpty(token), string.IsNullOrEmpty(jwt)) switch
        {
            (false, false) => throw new SessionException(ErrorTypes.TooManySessionArguments),
            (true, true) => throw new SessionException(ErrorTypes.NoSessionArguments),
            (false, true) => FromToken(token!),
            _ => await FromJwtAsync(jwt!, ct),
        };
}
