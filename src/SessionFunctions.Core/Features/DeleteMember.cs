using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// <c>DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}</c>: the member's status becomes
/// <c>deleted</c> and its sessions are deleted with it. The status change comes first (with as many sessions as fit in
/// its transaction), and from that moment no session of the member authenticates, lists or revokes, whatever rows are
/// left. Deleting an already deleted member by its member_id answers 200 again and removes any session rows an
/// interrupted deletion left, so a caller that saw a failure can always finish the job.
/// </summary>
public sealed class DeleteMember(OrganizationStore organizations, GetMember getMember, MemberStore members, SessionStore sessions, IdFormat ids, TimeProvider time)
{
    public async Task<string> RunAsync(string organizationId, string memberId, CancellationToken ct)
    {
        if (await FindDeletedAsync(organizationId, memberId, ct) is { } deleted)
        {
            await sessions.DeleteAllAsync(await sessions.ListForMemberAsync(deleted.OrganizationId, deleted.MemberId, ct), ct);
            return deleted.MemberId;
        }
        return await Conflicts.RetryAsync(async _ =>
        {
            var (stored, organization) = await getMember.RunAsync(organizationId, memberId, null, ct);
            var byEmail = await members.FindByEmailAsync(organization.OrganizationId, EmailAddress.Normalize(stored.Member.EmailAddress), ct)
                ?? throw new SessionException(ErrorTypes.MemberNotFound);
            var deleted = stored.Member with { Status = MemberStatus.Deleted, UpdatedAt = SessionRecords.Truncate(time.GetUtcNow()) };
            var memberSessions = await sessions.ListForMemberAsync(organization.OrganizationId, stored.Member.MemberId, ct);
            await members.MarkDeletedAsync(stored, byEmail, deleted, memberSessions, ct);
            return stored.Member.MemberId;
        }, ct);
    }

    /// <summary>The member, when <paramref name="memberId"/> is the id of an already deleted member of the organization.</summary>
    private async Task<Member?> FindDeletedAsync(string organizationId, string memberId, CancellationToken ct)
    {
        if (!ids.TryParseMember(memberId, out var organizationKey, out var memberKey)) return null;
        var organization = await organizations.GetAsync(organizationId, ct);
        if (ids.Organization(organizationKey) != organization.OrganizationId) return null;
        var stored = await members.GetAsync(organization.OrganizationId, memberKey, ct);
        return stored?.Member.Status == MemberStatus.Deleted ? stored.Member : null;
    }
}
