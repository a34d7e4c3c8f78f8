using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>A session that may be used, and its member as it is now.</summary>
internal sealed record LiveSession(SessionEntity Row, Member Member);

/// <summary>
/// Reads a session together with its member, and lets it through only when every part of it holds: the row exists,
/// the caller's proof matches it, it has not expired, and its member exists and is not deleted. Anything else is
/// session_not_found, exactly as for a revoked session, so a session row left behind by an interrupted member deletion
/// grants nothing. A session stored next to its member is read with its member in one single-partition range read
/// (the member row, then the member's sessions up to this one); a session of the first layout with two point reads,
/// side by side when the proof names the member (a token's selector, a JWT's <c>sub</c>), else one after the other.
/// </summary>
public sealed class LiveSessions(SessionStore sessions, MemberStore members, IdFormat ids)
{
    internal async Task<LiveSession> ReadAsync(SessionAddress address, DateTimeOffset now, CancellationToken ct)
    {
        SessionEntity? row;
        StoredMember? member;
        if (address.NextToMember is { } key)
        {
            var (found, rows) = await sessions.ReadMemberAsync(address.Partition, key, address.RowKey, ct);
            (row, member) = (rows.Count > 0 && rows[^1].RowKey == address.RowKey ? rows[^1] : null, found);
        }
        else if (address.MemberId is { } claimed)
        {
            if (!ids.TryParseMember(claimed, out var organizationKey, out var memberKey) || ids.Organization(organizationKey) != address.OrganizationId)
                throw new SessionException(ErrorTypes.SessionNotFound);
            var rowRead = sessions.GetAsync(address.Partition, address.RowKey, ct);
            var memberRead = members.GetAsync(address.OrganizationId, memberKey, ct);
            row = await rowRead;
            member = await memberRead;
        }
        else
        {
            row = await sessions.GetAsync(address.Partition, address.RowKey, ct);
            member = row is not null && ids.TryParseMember(row.MemberId, out _, out var memberKey)
                ? await members.GetAsync(address.OrganizationId, memberKey, ct)
                : null;
        }
        return Check(address, row, member?.Member, now);
    }

    private static LiveSession Check(SessionAddress address, SessionEntity? row, Member? member, DateTimeOffset now)
    {
        var live = row is not null
            && (address.Token is null || SessionToken.Matches(address.Token, row.TokenHash))
            && (address.MemberId is null || address.MemberId == row.MemberId)
            && row.ExpiresAt > now
            && member is not null && member.MemberId == row.MemberId && member.Status != MemberStatus.Deleted;
        return live ? new LiveSession(row!, member!) : throw new SessionException(ErrorTypes.SessionNotFound);
    }
}
