using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Signing;

namespace SessionFunctions.Core.Features;

/// <summary>
/// Where a session lives, and the proof the caller holds: its token, or a verified JWT. <see cref="MemberId"/> is the
/// member the proof names (a token's selector, a JWT's <c>sub</c>, or a session id of the current layout); null when
/// only a first-layout session id is known. <see cref="NextToMember"/> is the member key of a session stored next to its
/// member (the current layout); null for a session of the first layout, in its organization's partition.
/// </summary>
internal sealed record SessionAddress(string OrganizationId, Guid SessionKey, string MemberSessionId, string? Token, string? MemberId, Guid? NextToMember = null)
{
    public string Partition => NextToMember is { } member ? Storage.MemberPartition.Of(OrganizationId, member) : OrganizationId;
    public string RowKey => NextToMember is { } member ? Storage.Keys.MemberSession(member, SessionKey) : Storage.Keys.Session(SessionKey);
}

/// <summary>Turns a session_token, session_jwt or member_session_id into a <see cref="SessionAddress"/> without storage.</summary>
public sealed class SessionLocator(SessionJwtReader jwts, IdFormat ids)
{
    internal SessionAddress FromToken(string token)
    {
        if (!SessionToken.TryParse(token, out var selector)) throw new SessionException(ErrorTypes.SessionNotFound);
        var memberId = selector.Member is { } member ? ids.Member(selector.Organization, member) : null;
        return selector.NextToMember
            ? new SessionAddress(ids.Organization(selector.Organization), selector.Session, ids.Session(selector.Organization, selector.Member!.Value, selector.Session),
                token, memberId, selector.Member)
            : new SessionAddress(ids.Organization(selector.Organization), selector.Session, ids.Session(selector.Organization, selector.Session), token, memberId);
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
        ids.TryParseSession(memberSessionId, out var organization, out Guid? member, out var session)
            ? new SessionAddress(ids.Organization(organization), session, memberSessionId, null, member is { } m ? ids.Member(organization, m) : null, member)
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
