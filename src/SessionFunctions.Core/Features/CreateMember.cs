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

/// <summary>A create command whose fields passed every rule that needs no storage.</summary>
internal sealed record CheckedMember(CreateMemberCommand Command, List<string> Roles, JsonObject TrustedMetadata, JsonObject UntrustedMetadata);

/// <summary>
/// <c>POST /v1/b2b/organizations/{organization_id}/members</c>. Emails are unique per organization, ignoring case. Roles must
/// be in the project's policy or the organization's custom roles.
/// </summary>
public sealed class CreateMember(OrganizationStore organizations, MemberStore members, ProjectPolicy policy, IdFormat ids, TimeProvider time)
{
    public async Task<(Member Member, Organization Organization)> RunAsync(CreateMemberCommand c, CancellationToken ct)
    {
        var draft = Check(c);
        var organization = await organizations.GetAsync(c.OrganizationId, ct);
        var stored = await CreateAsync(organization, draft, emailVerified: false, takeOverDeleted: true, ct);
        return (stored.Member, organization);
    }

    /// <summary>Every rule of a member's fields, checked before anything is read; the command with its roles checked.</summary>
    internal CheckedMember Check(CreateMemberCommand c)
    {
        if (!EmailAddress.IsValid(c.EmailAddress)) throw new SessionException(ErrorTypes.InvalidEmail);
        MemberNames.Name(c.Name);
        MemberNames.ExternalId(c.ExternalId, ids);
        return new CheckedMember(c, ValidateRoles(c.Roles ?? []), Metadata.Validate(c.TrustedMetadata), Metadata.Validate(c.UntrustedMetadata));
    }

    /// <summary>
    /// The one place a member is made and written, for the API, first sight (just-in-time) and the directory import: a
    /// new member id in <paramref name="organization"/>, the member and its email row in one transaction
    /// (<see cref="MemberStore.CreateAsync"/>). First sight never takes over a deleted member's email
    /// (<paramref name="takeOverDeleted"/> false): deleting a member is how a company offboards someone.
    /// </summary>
    internal async Task<StoredMember> CreateAsync(Organization organization, CheckedMember draft, bool emailVerified, bool takeOverDeleted, CancellationToken ct)
    {
        var (member, emailId) = Build(organization, draft, emailVerified);
        return await members.CreateAsync(member, emailId, ct, takeOverDeleted);
    }

    /// <summary>A new member of <paramref name="organization"/> from checked fields, with a new member id and email id.</summary>
    internal (Member Member, string EmailId) Build(Organization organization, CheckedMember draft, bool emailVerified)
    {
        policy.RequireRoles(draft.Roles, organization);
        var c = draft.Command;
        var now = SessionRecords.Truncate(time.GetUtcNow());
        var member = new Member
        {
            OrganizationId = organization.OrganizationId,
            MemberId = ids.Member(ids.OrganizationKey(organization.OrganizationId), MemberPartition.NewMemberKey(organization, EmailAddress.Normalize(c.EmailAddress))),
            EmailAddress = EmailAddress.Trim(c.EmailAddress),
            Status = c.CreateMemberAsPending ? MemberStatus.Pending : MemberStatus.Active,
            Name = c.Name ?? "",
            IsBreakglass = c.IsBreakglass,
            IsAdmin = draft.Roles.Contains(Model.Roles.Admin),
            Roles = Assigned(draft.Roles),
            TrustedMetadata = draft.TrustedMetadata,
            UntrustedMetadata = draft.UntrustedMetadata,
            ExternalId = c.ExternalId,
            EmailAddressVerified = emailVerified,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return (member, ids.NewEmailId());
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
