using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// <c>DELETE /v1/b2b/organizations/{organization_id}/members/{member_id}</c>: the member's status becomes
/// <c>deleted</c> and its sessions are deleted with it, so none of them authenticates again.
/// </summary>
public sealed class DeleteMember(GetMember getMember, MemberStore members, SessionStore sessions, TimeProvider time)
{
    public async Task<string> RunAsync(string organizationId, string memberId, CancellationToken ct) =>
        await Conflicts.RetryAsync(async _ =>
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
