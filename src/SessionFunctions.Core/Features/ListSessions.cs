using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary><c>GET /v1/b2b/sessions</c>: a member's active sessions, oldest first (one single-partition query).</summary>
public sealed class ListSessions(OrganizationStore organizations, MemberStore members, SessionStore sessions, IdFormat ids, TimeProvider time)
{
    public async Task<IReadOnlyList<MemberSession>> RunAsync(string organizationId, string memberId, CancellationToken ct)
    {
        var organization = await organizations.GetAsync(organizationId, ct);
        var resolvedMemberId = await ResolveMemberIdAsync(organization.OrganizationId, memberId, ct);
        var now = time.GetUtcNow();
        var rows = await sessions.ListForMemberAsync(organization.OrganizationId, resolvedMemberId, ct);
        var organizationKey = ids.OrganizationKey(organization.OrganizationId);
        return [.. rows.Where(r => r.ExpiresAt > now).OrderBy(r => r.StartedAt).Select(r => SessionRecords.ToMemberSession(
            r, ids.Session(organizationKey, Keys.SessionKeyOf(r.RowKey)), organization, SessionRecords.Member(r)))];
    }

    /// <summary>A member id of this organization is used as is; anything else is looked up as the member's external_id.</summary>
    private async Task<string> ResolveMemberIdAsync(string organizationId, string memberId, CancellationToken ct)
    {
        if (ids.TryParseMember(memberId, out var organizationKey, out _) && ids.Organization(organizationKey) == organizationId)
            return memberId;
        var byExternalId = await members.FindByExternalIdAsync(organizationId, memberId, ct);
        return byExternalId?.Member.MemberId ?? throw new SessionException(ErrorTypes.MemberNotFound);
    }
}
