using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// <c>DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}</c>: the member's status becomes
/// <c>deleted</c>, then its sessions are deleted. From the status change on, no session of the member authenticates,
/// lists or revokes, whatever rows are left (every use reads the member row); the sessions are listed only after it,
/// so a session a login wrote before the change is found and deleted too (one written by a login that read the member
/// just before the change and wrote just after the listing grants nothing, and the sweep removes it when it lapses).
/// Deleting an already deleted member by its member_id answers 200 again and removes any session rows an interrupted
/// deletion left, so a caller that saw a failure can always finish the job.
/// </summary>
public sealed class DeleteMember(GetMember getMember, MemberStore members, SessionStore sessions, IdFormat ids, TimeProvider time)
{
    public async Task<string> RunAsync(string organizationId, string memberId, CancellationToken ct)
    {
        var (stored, organization) = await Conflicts.RetryAsync(async _ =>
        {
            var (stored, organization) = await getMember.FindAsync(organizationId, memberId, null, ct);
            if (stored.Member.Status == MemberStatus.Deleted) return (stored, organization); // a repeat: finish the clean-up
            var byEmail = await members.FindByEmailAsync(organization, EmailAddress.Normalize(stored.Member.EmailAddress), ct)
                ?? throw new SessionException(ErrorTypes.MemberNotFound);
            var deleted = stored.Member with { Status = MemberStatus.Deleted, UpdatedAt = SessionRecords.Truncate(time.GetUtcNow()) };
            await members.MarkDeletedAsync(stored, byEmail, deleted, ct);
            return (stored, organization);
        }, ct);
        var member = stored.Member;
        await sessions.DeleteAllAsync(await sessions.ListForMemberAsync(organization.OrganizationId, member.MemberId, ids.MemberKey(member.MemberId), ct), ct);
        return member.MemberId;
    }
}
