using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>Where a session lives, and the proof the caller holds: its token, or a verified JWT naming its member.</summary>
internal sealed record SessionAddress(string OrganizationId, Guid SessionKey, string MemberSessionId, string? Token, string? JwtMemberId)
{
    /// <summary>The stored row, if it exists, matches the proof and has not expired; otherwise session_not_found.</summary>
    public SessionEntity Check(SessionEntity? row, DateTimeOffset now)
    {
        var proven = row is not null
            && (Token is null || SessionToken.Matches(Token, row.TokenHash))
            && (JwtMemberId is null || JwtMemberId == row.MemberId);
        return proven && row!.ExpiresAt > now ? row : throw new SessionException(ErrorTypes.SessionNotFound);
    }
}

/// <summary>Turns a session_token, session_jwt or member_session_id into a <see cref="SessionAddress"/> without storage.</summary>
public sealed class SessionLocator(SessionJwtReader jwts, IdFormat ids)
{
    internal SessionAddress FromToken(string token) =>
        SessionToken.TryParse(token, out var organization, out var session)
            ? new SessionAddress(ids.Organization(organization), session, ids.Session(organization, session), token, null)
            : throw new SessionException(ErrorTypes.SessionNotFound);

    internal async Task<SessionAddress> FromJwtAsync(string jwt, CancellationToken ct)
    {
        var claims = await jwts.ReadAsync(jwt, ct);
        var address = FromSessionId(claims.MemberSessionId);
        return address.OrganizationId == claims.OrganizationId
            ? address with { JwtMemberId = claims.MemberId }
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
