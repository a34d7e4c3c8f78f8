using System.Text.Json;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Claims;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>Converts between the stored session row and the API's MemberSession.</summary>
internal static class SessionRecords
{
    /// <summary>A new session's row, next to its member (<paramref name="partition"/>, <paramref name="rowKey"/>), vouched for by <paramref name="provider"/>.</summary>
    public static SessionEntity ToEntity(MemberSession session, byte[] tokenHash, string partition, string rowKey, string provider) => new()
    {
        PartitionKey = partition,
        RowKey = rowKey,
        MemberId = session.MemberId,
        Provider = provider,
        StartedAt = session.StartedAt,
        LastAccessedAt = session.LastAccessedAt,
        ExpiresAt = session.ExpiresAt,
        TokenHash = tokenHash,
        Factors = JsonSerializer.Serialize(session.AuthenticationFactors, SessionJson.Options),
        CustomClaims = CustomClaims.Serialize(session.CustomClaims),
    };

    public static MemberSession ToMemberSession(SessionEntity e, string memberSessionId, Organization organization, Member member) => new()
    {
        MemberSessionId = memberSessionId,
        MemberId = e.MemberId,
        StartedAt = e.StartedAt,
        LastAccessedAt = e.LastAccessedAt,
        ExpiresAt = e.ExpiresAt,
        AuthenticationFactors = JsonSerializer.Deserialize<List<AuthenticationFactor>>(e.Factors, SessionJson.Options)!,
        OrganizationId = organization.OrganizationId,
        OrganizationSlug = organization.OrganizationSlug,
        Roles = RoleAssignments.SessionRoles(member, organization),
        CustomClaims = CustomClaims.Parse(e.CustomClaims),
    };

    /// <summary>The member_session_id of a stored session, in the format of its layout.</summary>
    public static string SessionId(Identity.IdFormat ids, Guid organizationKey, SessionEntity row) =>
        Keys.IsMemberSession(row.RowKey)
            ? ids.Session(organizationKey, ids.MemberKey(row.MemberId), Keys.SessionKeyOf(row.RowKey))
            : ids.Session(organizationKey, Keys.SessionKeyOf(row.RowKey));

    /// <summary>Timestamps are kept at whole seconds, as Stytch's API and JWT show them.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
