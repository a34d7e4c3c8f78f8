using Microsoft.Extensions.Options;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Authorization;

/// <summary>
/// The project's RBAC policy, in memory for the life of the process (read from <c>Rbac__PolicyPath</c>, checked at
/// start-up), and the roles an organization adds to it (which come with the organization, cached with it).
/// </summary>
public sealed class ProjectPolicy
{
    private readonly Dictionary<string, PolicyRole> _roles;

    public ProjectPolicy(IOptions<RbacOptions> options)
    {
        var (policy, errors) = PolicyFile.Load(options.Value.PolicyPath);
        Policy = policy ?? throw new OptionsValidationException(RbacOptions.Section, typeof(RbacOptions), errors);
        _roles = Policy.Roles.ToDictionary(r => r.RoleId, StringComparer.Ordinal);
        Resources = Policy.Resources.ToDictionary(r => r.ResourceId, StringComparer.Ordinal);
    }

    public RbacPolicy Policy { get; }

    public IReadOnlyDictionary<string, PolicyResource> Resources { get; }

    public bool IsProjectRole(string roleId) => _roles.ContainsKey(roleId);

    /// <summary>The role with this id: the project's, or else the organization's custom role; null if neither has it.</summary>
    public PolicyRole? Role(string roleId, Organization organization) =>
        _roles.GetValueOrDefault(roleId) ?? organization.CustomRoles.FirstOrDefault(r => r.RoleId == roleId);

    /// <summary>Roles given to a member (create, update, implicit assignments) must exist: else Stytch's 400.</summary>
    public void RequireRoles(IEnumerable<string> roleIds, Organization organization)
    {
        foreach (var id in roleIds)
            if (Role(id, organization) is null)
                throw new SessionException(ErrorTypes.InvalidRbacRoleId, $"Role '{id}' is not in the project's RBAC policy or the organization's custom roles.");
    }
}
