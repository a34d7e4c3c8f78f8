using System.Text.Json.Nodes;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Core.Features;

/// <summary>Fields left null stay as they are; an empty <c>organization_external_id</c> removes it.</summary>
public sealed record UpdateOrganizationCommand(
    string OrganizationId, string? OrganizationName, string? OrganizationSlug, string? OrganizationExternalId, string? OrganizationLogoUrl,
    JsonObject? TrustedMetadata, IReadOnlyList<EmailImplicitRoleAssignment>? RbacEmailImplicitRoleAssignments = null);

/// <summary>
/// <c>PUT /v1/b2b/organizations/{organization_id}</c>: name, slug, external id, logo, the email implicit role
/// assignments (replaced whole; their roles must exist) and trusted_metadata (replaced
/// whole, its <c>legacy_provider</c> checked against the configured providers). Every input is checked before anything
/// is read; the organization row changes conditionally on its ETag, its name index rows in the fail-closed order of
/// <see cref="OrganizationStore.UpdateAsync"/>, and slugs and external ids keep sharing one name space with ids
/// (<see cref="OrganizationNames"/>). The change shows at once on this instance and on the others within
/// <c>Sessions__OrganizationChangePoll</c> (5 s by default).
/// An update that changes nothing writes nothing.
/// </summary>
public sealed class UpdateOrganization(OrganizationStore organizations, LegacyProviders providers, OrganizationRoles roles, IdFormat ids, TimeProvider time)
{
    public async Task<Organization> RunAsync(UpdateOrganizationCommand c, CancellationToken ct)
    {
        var name = c.OrganizationName is null ? null : OrganizationNames.Name(c.OrganizationName);
        if (c.OrganizationSlug is not null) OrganizationNames.Slug(c.OrganizationSlug, ids);
        var removeExternalId = c.OrganizationExternalId == "";
        if (!removeExternalId) OrganizationNames.ExternalId(c.OrganizationExternalId, ids);
        if (c.OrganizationLogoUrl is { Length: > 2048 }) throw new SessionException(ErrorTypes.InvalidArgument, "organization_logo_url must be at most 2048 characters.");
        if (c.TrustedMetadata is not null) Metadata.Validate(c.TrustedMetadata);
        providers.Check(c.TrustedMetadata);
        var assignments = OrganizationRoles.CheckAssignments(c.RbacEmailImplicitRoleAssignments);

        var organizationId = (await organizations.GetAsync(c.OrganizationId, ct)).OrganizationId;
        return await Conflicts.RetryAsync(async _ =>
        {
            var (before, etag) = await organizations.ReadForUpdateAsync(organizationId, ct) ?? throw new SessionException(ErrorTypes.OrganizationNotFound);
            var after = before with
            {
                OrganizationName = name ?? before.OrganizationName,
                OrganizationSlug = c.OrganizationSlug ?? before.OrganizationSlug,
                OrganizationExternalId = removeExternalId ? null : c.OrganizationExternalId ?? before.OrganizationExternalId,
                OrganizationLogoUrl = c.OrganizationLogoUrl ?? before.OrganizationLogoUrl,
                TrustedMetadata = c.TrustedMetadata ?? before.TrustedMetadata,
                RbacEmailImplicitRoleAssignments = assignments ?? before.RbacEmailImplicitRoleAssignments,
            };
            if (assignments is not null) roles.RequireAssignedRoles(after);
            if (Same(before, after)) return before;
            after = after with { UpdatedAt = SessionRecords.Truncate(time.GetUtcNow()) };
            await organizations.UpdateAsync(before, after, etag, ct);
            return after;
        }, ct);
    }

    private static bool Same(Organization a, Organization b) =>
        a.OrganizationName == b.OrganizationName && a.OrganizationSlug == b.OrganizationSlug && a.OrganizationExternalId == b.OrganizationExternalId
        && a.OrganizationLogoUrl == b.OrganizationLogoUrl && JsonNode.DeepEquals(a.TrustedMetadata, b.TrustedMetadata)
        && OrganizationRoles.Same(a.RbacEmailImplicitRoleAssignments, b.RbacEmailImplicitRoleAssignments);
}
