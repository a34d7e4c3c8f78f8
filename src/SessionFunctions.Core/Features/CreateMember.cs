using System.Text.Json.Nodes;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

public sealed record CreateMemberCommand(
    string OrganizationId, string EmailAddress, string? Name, IReadOnlyList<string>? Roles, string? ExternalId,
    JsonObject? TrustedMetadata, JsonObject? UntrustedMetadata, bool CreateMemberAsPending, bool IsBreakglass);

/// <summary>
/// <c>POST /v1/b2b/organizations/{organization_id}/members</c>. Emails are unique per organization, ignoring case. Roles must
/// be in the project's policy or the organization's custom roles.
/// </summary>
public sealed class CreateMember(OrganizationStore organizations, MemberStore members, ProjectPolicy policy, IdFormat ids, TimeProvider time)
{
    public async Task<(Member Member, Organization Organization)> RunAsync(CreateMemberCommand c, CancellationToken ct)
    {
        if (!EmailAddress.IsValid(c.EmailAddress)) throw new SessionException(ErrorTypes.InvalidEmail);
        MemberNames.Name(c.Name);
        MemberNames.ExternalId(c.ExternalId, ids);
        var roles = ValidateRoles(c.Roles ?? []);
        var organization = await organizations.GetAsync(c.OrganizationId, ct);
        policy.RequireRoles(roles, organization);
        var organizationKey = ids.OrganizationKey(organization.OrganizationId);

        var now = SessionRecords.Truncate(time.GetUtcNow());
        var member = new Member
        {
            OrganizationId = organization.OrganizationId,
            MemberId = ids.Member(organizationKey, MemberPartition.NewMemberKey(organization, EmailAddress.Normalize(c.EmailAddress))),
            EmailAddress = c.EmailAddress.Trim(),
            Status = c.CreateMemberAsPending ? MemberStatus.Pending : MemberStatus.Active,
            Name = c.Name ?? "",
            IsBreakglass = c.IsBreakglass,
            IsAdmin = roles.Contains(Model.Roles.Admin),
            Roles = Assigned(roles),
            TrustedMetadata = Metadata.Validate(c.TrustedMetadata),
            UntrustedMetadata = Metadata.Validate(c.UntrustedMetadata),
            ExternalId = c.ExternalId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await members.CreateAsync(member, ids.NewEmailId(), ct);
        return (member, organization);
    }

    /// <summary>The member's roles: <c>stytch_member</c> (implicit) and the given ones, each directly assigned.</summary>
    internal static IReadOnlyList<MemberRole> Assigned(List<string> roles) =>
        [.. new[] { Model.Roles.Member }.Concat(roles).Select(r => new MemberRole(r, [new MemberRoleSource(MemberRoleSources.Direct)]))];

    internal static List<string> ValidateRoles(IReadOnlyList<string> roles)
    {
        if (roles.Count > 50 || roles.Any(r => string.IsNullOrWhiteSpace(r) || r.Length > 128 || r.Any(char.IsControl)))
            throw new SessionException(ErrorTypes.InvalidArgument, "roles must be at most 50 role ids of 1 to 128 characters.");
        return [.. roles.Where(r => r != Model.Roles.Member).Distinct(StringComparer.Ordinal)];
    }
}
