using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Authorization;

/// <summary>
/// <c>authorization_check</c>, decided as Stytch and its SDKs decide it (Node SDK <c>lib/shared/rbac_local.ts</c>): the
/// check's organization must be the session's, else 403 <c>session_authorization_tenancy_error</c>; then some role of the
/// session (the project's or the organization's) must hold a permission on the resource listing the action or <c>*</c>,
/// else 403 <c>session_authorization_error</c>. Costs no I/O: the policy is in memory and the organization's roles came
/// with the organization.
/// </summary>
public sealed class SessionAuthorization(ProjectPolicy policy)
{
    /// <summary>The verdict for <paramref name="check"/> (null when there is none to make); throws when not allowed.</summary>
    public AuthorizationVerdict? Check(AuthorizationCheck? check, Organization organization, IReadOnlyList<string> sessionRoles)
    {
        if (check is null) return null;
        if (!string.Equals(check.OrganizationId, organization.OrganizationId, StringComparison.Ordinal))
            throw new SessionException(ErrorTypes.SessionAuthorizationTenancyError);
        var granting = sessionRoles
            .Where(id => policy.Role(id, organization)?.Permissions.Any(p => p.ResourceId == check.ResourceId
                && (p.Actions.Contains(check.Action) || p.Actions.Contains(StytchDefaults.Wildcard))) == true)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return granting.Count > 0 ? new AuthorizationVerdict(true, granting) : throw new SessionException(ErrorTypes.SessionAuthorizationError);
    }
}
