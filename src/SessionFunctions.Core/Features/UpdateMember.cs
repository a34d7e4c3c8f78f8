using System.Text.Json.Nodes;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>Fields left null stay as they are; an empty <c>external_id</c> removes it; <c>roles</c> replaces the assigned roles.</summary>
public sealed record UpdateMemberCommand(
    string OrganizationId, string MemberId, string? Name, IReadOnlyList<string>? Roles, string? ExternalId,
    JsonObject? TrustedMetadata, JsonObject? UntrustedMetadata, bool? IsBreakglass);

/// <summary>
/// <c>PUT /v1/b2b/organizations/{organization_id}/members/{member_id}</c> (<c>member_id</c> may be the external id).
/// Every input is checked before anything is read (roles, which must exist, against the policy and the organization's
/// custom roles once the organization is read); both member rows (and the external-id pointer, when it moves)
/// change in one transaction conditional on their ETags. No session is rewritten: authenticate reads the member row,
/// so a role change shows in the very next authenticate answer and the JWT it mints. Deleted members are not found.
/// An update that changes nothing writes nothing.
/// </summary>
public sealed class UpdateMember(GetMember get, MemberStore members, ProjectPolicy policy, IdFormat ids, TimeProvider time)
{
    public async Task<(Member Member, Organization Organization)> RunAsync(UpdateMemberCommand c, CancellationToken ct)
    {
        MemberNames.Name(c.Name);
        var removeExternalId = c.ExternalId == "";
        if (!removeExternalId) MemberNames.ExternalId(c.ExternalId, ids);
        var roles = c.Roles is null ? null : CreateMember.ValidateRoles(c.Roles);
        if (c.TrustedMetadata is not null) Metadata.Validate(c.TrustedMetadata);
        if (c.UntrustedMetadata is not null) Metadata.Validate(c.UntrustedMetadata);

        return await Conflicts.RetryAsync(async _ =>
        {
            var (byId, organization) = await get.RunAsync(c.OrganizationId, c.MemberId, null, ct);
            if (roles is not null) policy.RequireRoles(roles, organization);
            var before = byId.Member;
            var after = before with
            {
                Name = c.Name ?? before.Name,
                Roles = roles is null ? before.Roles : CreateMember.Assigned(roles),
                IsAdmin = roles is null ? before.IsAdmin : roles.Contains(Model.Roles.Admin),
                ExternalId = removeExternalId ? null : c.ExternalId ?? before.ExternalId,
                TrustedMetadata = c.TrustedMetadata ?? before.TrustedMetadata,
                UntrustedMetadata = c.UntrustedMetadata ?? before.UntrustedMetadata,
                IsBreakglass = c.IsBreakglass ?? before.IsBreakglass,
            };
            if (Same(before, after)) return (before, organization);
            after = after with { UpdatedAt = SessionRecords.Truncate(time.GetUtcNow()) };
            var byEmail = await members.FindByEmailAsync(organization, EmailAddress.Normalize(before.EmailAddress), ct);
            if (byEmail is null || byEmail.Member.MemberId != before.MemberId) throw new SessionException(ErrorTypes.MemberNotFound);
            await members.UpdateAsync(byId, byEmail, after, ct);
            return (after, organization);
        }, ct);
    }

    private static bool Same(Member a, Member b) =>
        a.Name == b.Name && a.RoleIds().SequenceEqual(b.RoleIds()) && a.ExternalId == b.ExternalId && a.IsBreakglass == b.IsBreakglass
        && JsonNode.DeepEquals(a.TrustedMetadata, b.TrustedMetadata) && JsonNode.DeepEquals(a.UntrustedMetadata, b.UntrustedMetadata);
}
