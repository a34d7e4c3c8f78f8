using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// <c>GET /v1/b2b/sessions</c>: a member's active sessions, oldest first. A member and the sessions stored next to it
/// come back from one single-partition range read; a member of the first layout also has its older sessions read from
/// its organization's partition, side by side. A deleted member has no active sessions, even if rows of its sessions
/// are still stored. A member holds at most <c>Sessions__MaxSessionsPerMember</c> sessions stored next to it.
/// </summary>
public sealed class ListSessions(OrganizationStore organizations, MemberStore members, SessionStore sessions, IdFormat ids, TimeProvider time)
{
    public async Task<IReadOnlyList<MemberSession>> RunAsync(string organizationId, string memberId, CancellationToken ct)
    {
        var organization = await organizations.GetAsync(organizationId, ct);
        var memberKey = await ResolveMemberAsync(organization.OrganizationId, memberId, ct);
        var resolvedMemberId = ids.Member(ids.OrganizationKey(organization.OrganizationId), memberKey);
        var partition = MemberPartition.Of(organization.OrganizationId, memberKey);
        var firstLayout = partition == organization.OrganizationId
            ? sessions.ListFirstLayoutAsync(organization.OrganizationId, resolvedMemberId, ct)
            : Task.FromResult(new List<SessionEntity>());
        var (stored, rows) = await sessions.ReadMemberAsync(partition, memberKey, null, ct);
        rows.AddRange(await firstLayout);
        var member = stored?.Member;
        if (member is null || member.Status == MemberStatus.Deleted) return [];

        var now = time.GetUtcNow();
        var organizationKey = ids.OrganizationKey(organization.OrganizationId);
        return [.. rows.Where(r => r.ExpiresAt > now && r.MemberId == member.MemberId).OrderBy(r => r.StartedAt)
            .Select(r => SessionRecords.ToMemberSession(r, SessionRecords.SessionId(ids, organizationKey, r), organization, member))];
    }

    /// <summary>A member id of this organization names its key as is; anything else is looked up as the member's external_id first.</summary>
    private async Task<Guid> ResolveMemberAsync(string organizationId, string memberId, CancellationToken ct)
    {
        if (ids.TryParseMember(memberId, out var organizationKey, out var memberKey) && ids.Organization(organizationKey) == organizationId)
            return memberKey;
        var byExternalId = await members.FindByExternalIdAsync(organizationId, memberId, ct) ?? throw new SessionException(ErrorTypes.MemberNotFound);
        return ids.MemberKey(byExternalId.Member.MemberId);
    }
}
