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
public sealed class DeleteMember(GetMember getMember, MemberStore members, SessionStore sessions, TimeProvider time)
{
    public async Task<string> RunAsync(string organizationId, string memberId, CancellationToken ct) =>
        await Conflicts.RetryAsync(async _ =>
        {
            var (stored, organization) = await getMember.FindAsync(organizationId, memberId, null, ct);
            var memberSessions = await sessions.ListForMemberAsync(organization.OrganizationId, stored.Member.MemberId, ct);
            if (stored.Member.Status == MemberStatus.Deleted)
            {
                await sessions.DeleteAllAsync(memberSessions, ct); // a repeat: finish what an interrupted deletion left
                return stored.Member.MemberId;
            }
            var byEmail = await members.FindByEmailAsync(organization.OrganizationId, EmailAddress.Normalize(stored.Member.EmailAddress), ct)
                ?? throw new SessionException(ErrorTypes.MemberNotFound);
            var deleted = stored.Member with { Status = MemberStatus.Deleted, UpdatedAt = SessionRecords.Truncate(time.GetUtcNow()) };
            await members.MarkDeletedAsync(stored, byEmail, deleted, memberSessions, ct);
            return stored.Member.MemberId;
        }, ct);
}
