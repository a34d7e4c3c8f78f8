using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// Finds a live member of an organization by member id (or its external id), or by email address ignoring case.
/// Deleted members are not found. Shared by <c>GET …/member</c>, <c>PUT</c> and <c>DELETE …/members/{member_id}</c>.
/// </summary>
public sealed class GetMember(OrganizationStore organizations, MemberStore members, IdFormat ids)
{
    public async Task<(StoredMember Member, Organization Organization)> RunAsync(string organizationId, string? memberId, string? emailAddress, CancellationToken ct)
    {
        var found = await FindAsync(organizationId, memberId, emailAddress, ct);
        return found.Member.Member.Status == MemberStatus.Deleted ? throw new SessionException(ErrorTypes.MemberNotFound) : found;
    }

    /// <summary>The same lookup, deleted members included (a repeated delete finishes their clean-up).</summary>
    internal async Task<(StoredMember Member, Organization Organization)> FindAsync(string organizationId, string? memberId, string? emailAddress, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(memberId) == string.IsNullOrEmpty(emailAddress))
            throw new SessionException(ErrorTypes.InvalidMemberGetFields);
        var organization = await organizations.GetAsync(organizationId, ct);
        var stored = !string.IsNullOrEmpty(emailAddress)
            ? await members.FindByEmailAsync(organization, EmailAddress.Normalize(emailAddress), ct)
            : ids.TryParseMember(memberId, out var organizationKey, out var memberKey)
                ? ids.Organization(organizationKey) == organization.OrganizationId ? await members.GetAsync(organization.OrganizationId, memberKey, ct) : null
                : await members.FindByExternalIdAsync(organization.OrganizationId, memberId!, ct);
        return stored is null ? throw new SessionException(ErrorTypes.MemberNotFound) : (stored, organization);
    }
}
