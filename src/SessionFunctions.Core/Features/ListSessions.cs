using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// <c>GET /v1/b2b/sessions</c>: a member's active sessions, oldest first. The member row and the sessions are read side
/// by side (a point read and one single-partition query); a deleted member has no active sessions, even if rows of
/// its sessions are still stored.
/// </summary>
public sealed class ListSessions(OrganizationStore organizations, MemberStore members, SessionStore sessions, IdFormat ids, TimeProvider time)
{
    public async Task<IReadOnlyList<MemberSession>> RunAsync(string organizationId, string memberId, CancellationToken ct)
    {
        var organization = await organizations.GetAsync(organizationId, ct);
        var (memberRead, resolvedMemberId) = await ResolveMemberAsync(organization.OrganizationId, memberId, ct);
        var rowsRead = sessions.ListForMemberAsync(organization.OrganizationId, resolvedMemberId, ct);
        var member = (await memberRead)?.Member;
        var rows = await rowsRead;
        if (member is null || member.Status == MemberStatus.Deleted) return [];

        var now = time.GetUtcNow();
        var organizationKey = ids.OrganizationKey(organization.OrganizationId);
        return [.. rows.Where(r => r.ExpiresAt > now).OrderBy(r => r.StartedAt).Select(r => SessionRecords.ToMemberSession(
            r, ids.Session(organizationKey, Keys.SessionKeyOf(r.RowKey)), organization, member))];
    }

    /// <summary>
    /// A member id of this organization is read as is (the read starts at once); anything else is looked up as the
    /// member's external_id first.
    /// </summary>
    private async Task<(Task<StoredMember?> Member, string MemberId)> ResolveMemberAsync(string organizationId, string memberId, CancellationToken ct)
    {
        if (ids.TryParseMember(memberId, out var organizationKey, out var memberKey) && ids.Organization(organizationKey) == organizationId)
            return (members.GetAsync(organizationId, memberKey, ct), memberId);
        var byExternalId = await members.FindByExternalIdAsync(organizationId, memberId, ct) ?? throw new SessionException(ErrorTypes.MemberNotFound);
        return (Task.FromResult<StoredMember?>(byExternalId), byExternalId.Member.MemberId);
    }
}
