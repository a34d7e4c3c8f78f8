using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// <c>PUT /v1/b2b/rbac/organizations/{organization_id}</c>: replaces the organization's custom roles (its <c>org_policy</c>).
/// The roles may use only the project's resources and actions and may not reuse a project role's id; a role an email
/// implicit assignment grants may not be removed. The roles live in the organization's row (its <c>custom_roles</c>),
/// written through the organization's conditional update, so they come with the organization wherever it is read (and
/// cached): authorization checks cost no extra read. Other instances see a change within
/// <c>Sessions__OrganizationCacheDuration</c>. A change that changes nothing writes nothing.
/// </summary>
public sealed class SetOrganizationPolicy(OrganizationStore organizations, OrganizationRoles rules, TimeProvider time)
{
    public async Task<Organization> RunAsync(string organizationId, OrgPolicy? orgPolicy, CancellationToken ct)
    {
        var roles = rules.CheckCustomRoles((orgPolicy ?? throw new SessionException(ErrorTypes.InvalidArgument, "org_policy is required.")).Roles);
        var id = (await organizations.GetAsync(organizationId, ct)).OrganizationId;
        return await Conflicts.RetryAsync(async _ =>
        {
            var (before, etag) = await organizations.ReadForUpdateAsync(id, ct) ?? throw new SessionException(ErrorTypes.OrganizationNotFound);
            var after = before with { CustomRoles = roles };
            rules.RequireAssignedRoles(after, before);
            if (OrganizationRoles.Same(before.CustomRoles, after.CustomRoles)) return before;
            after = after with { UpdatedAt = SessionRecords.Truncate(time.GetUtcNow()) };
            await organizations.UpdateAsync(before, after, etag, ct);
            return after;
        }, ct);
    }
}
