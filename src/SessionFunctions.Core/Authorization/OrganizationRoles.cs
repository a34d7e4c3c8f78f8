using System.Text.Json;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Authorization;

/// <summary>
/// The rules for what an organization adds to the policy: its custom roles (<c>org_policy</c>), which may use only the
/// project's resources and actions, and its email implicit role assignments, which must name roles that exist. Both are
/// kept in the organization's row, so they are bounded (50 of each, 16 KB of roles) to keep that row small.
/// </summary>
public sealed class OrganizationRoles(ProjectPolicy policy)
{
    public const int MaxRoles = 50;
    public const int MaxAssignments = 50;
    public const int MaxRolesBytes = 16 * 1024;
    private const int MaxDescriptionLength = 1024;

    /// <summary>The organization's custom roles as they will be stored, or a Stytch 400 naming the first problem.</summary>
    public IReadOnlyList<PolicyRole> CheckCustomRoles(IReadOnlyList<PolicyRole>? roles)
    {
        if (roles is null) throw new SessionException(ErrorTypes.InvalidArgument, "org_policy.roles is required.");
        if (roles.Count > MaxRoles || SessionJson.Utf8Size(roles) > MaxRolesBytes) throw new SessionException(ErrorTypes.TooManyRoles);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var checkedRoles = new List<PolicyRole>(roles.Count);
        foreach (var role in roles)
        {
            if (role is null || !PolicyRules.IsId(role.RoleId) || StytchDefaults.IsReserved(role.RoleId))
                throw new SessionException(ErrorTypes.InvalidRbacCustomRole, $"Custom role '{role?.RoleId}': {ErrorTypes.InvalidRbacCustomRole.Message}");
            if (policy.IsProjectRole(role.RoleId) || !ids.Add(role.RoleId))
                throw new SessionException(ErrorTypes.RbacRoleDuplicate, $"Custom role '{role.RoleId}' is used twice or is already a role of the project's policy.");
            if (role.Description is { Length: > MaxDescriptionLength })
                throw new SessionException(ErrorTypes.InvalidArgument, $"Custom role '{role.RoleId}': description must be at most {MaxDescriptionLength} characters.");
            foreach (var (type, problem) in PolicyRules.PermissionProblems(role.Permissions, policy.Resources))
                throw new SessionException(type, $"Custom role '{role.RoleId}' {problem}");
            checkedRoles.Add(role with { Description = role.Description ?? "", Permissions = role.Permissions ?? [] });
        }
        return checkedRoles;
    }

    /// <summary>The assignments in their stored form (domains lower case, repeats dropped), or a Stytch 400. Roles are checked later, with the organization.</summary>
    public static IReadOnlyList<EmailImplicitRoleAssignment>? CheckAssignments(IReadOnlyList<EmailImplicitRoleAssignment>? assignments)
    {
        if (assignments is null) return null;
        if (assignments.Count > MaxAssignments) throw new SessionException(ErrorTypes.TooManyRoles);
        foreach (var a in assignments)
        {
            if (a is null || !IsDomain(a.Domain)) throw new SessionException(ErrorTypes.RbacInvalidDomain, $"'{a?.Domain}' is not an email domain such as example.com.");
            if (!PolicyRules.IsId(a.RoleId)) throw new SessionException(ErrorTypes.InvalidRbacRoleId, "Each email implicit role assignment needs a role_id.");
        }
        return [.. assignments.Select(a => a with { Domain = AsciiCase.Fold(a.Domain) }).Distinct()];
    }

    /// <summary>
    /// Every role an assignment grants exists in the project's policy or the organization's custom roles. Given the
    /// organization <paramref name="before"/> a change of its roles, only the roles that existed before are checked: the
    /// change may not remove them, but an assignment whose role already went (with an older policy file) does not block it.
    /// </summary>
    public void RequireAssignedRoles(Organization organization, Organization? before = null) =>
        policy.RequireRoles(organization.RbacEmailImplicitRoleAssignments.Select(a => a.RoleId)
            .Where(id => before is null || policy.Role(id, before) is not null), organization);

    /// <summary>Whether two lists of roles or assignments are the same, field for field (records of lists compare by reference).</summary>
    public static bool Same<T>(IReadOnlyList<T> a, IReadOnlyList<T> b) =>
        JsonSerializer.Serialize(a, SessionJson.Options) == JsonSerializer.Serialize(b, SessionJson.Options);

    private static bool IsDomain(string? domain) =>
        domain is { Length: > 2 and <= 253 } && domain.Contains('.')
        && domain.Split('.').All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-' && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
}
