using System.Text;
using System.Text.Json.Nodes;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Core.Features;

public sealed record CreateOrganizationCommand(
    string OrganizationName, string? OrganizationSlug, string? OrganizationExternalId, string? OrganizationLogoUrl, JsonObject? TrustedMetadata,
    IReadOnlyList<EmailImplicitRoleAssignment>? RbacEmailImplicitRoleAssignments = null);

/// <summary>
/// <c>POST /v1/b2b/organizations</c>. Slugs and external ids share one name space (<see cref="OrganizationNames"/>); a
/// missing slug is made from the name.
/// </summary>
public sealed class CreateOrganization(OrganizationStore organizations, LegacyProviders providers, OrganizationRoles roles, IdFormat ids, TimeProvider time)
{
    public async Task<Organization> RunAsync(CreateOrganizationCommand c, CancellationToken ct)
    {
        var name = OrganizationNames.Name(c.OrganizationName);
        var slug = OrganizationNames.Slug(c.OrganizationSlug ?? SlugFrom(name), ids);
        OrganizationNames.ExternalId(c.OrganizationExternalId, ids);
        providers.Check(c.TrustedMetadata); // a provider name is checked when written, never at migrate time
        var assignments = OrganizationRoles.CheckAssignments(c.RbacEmailImplicitRoleAssignments) ?? [];

        var now = SessionRecords.Truncate(time.GetUtcNow());
        var organization = new Organization
        {
            OrganizationId = ids.Organization(Guid.NewGuid()),
            OrganizationName = name,
            OrganizationSlug = slug,
            OrganizationExternalId = c.OrganizationExternalId,
            OrganizationLogoUrl = c.OrganizationLogoUrl ?? "",
            TrustedMetadata = Metadata.Validate(c.TrustedMetadata),
            RbacEmailImplicitRoleAssignments = assignments,
            CreatedAt = now,
            UpdatedAt = now,
            MemberShards = MemberPartition.DefaultShards,
        };
        roles.RequireAssignedRoles(organization);
        await organizations.CreateAsync(organization, ct);
        return organization;
    }

    /// <summary>"Acme, Inc." becomes "acme-inc": each run of other characters becomes one hyphen.</summary>
    internal static string SlugFrom(string name)
    {
        var slug = new StringBuilder(name.Length);
        foreach (var ch in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(ch)) slug.Append(ch);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
        }
        return slug.ToString().TrimEnd('-');
    }
}
