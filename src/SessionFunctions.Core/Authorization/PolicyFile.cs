using System.Text.Json;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Authorization;

/// <summary>
/// Reads the project's policy from the JSON file <c>Rbac__PolicyPath</c> names (Stytch's Policy object: <c>resources</c>,
/// <c>roles</c>, <c>scopes</c>), or takes Stytch's defaults when none is named. Stytch's resources are always part of the
/// policy and <c>stytch_member</c> / <c>stytch_admin</c> always exist (a file may redefine their permissions). Every
/// problem is reported, each naming the setting, the file and the id at fault: a permission on an unknown resource or
/// action, a custom resource id starting with <c>stytch</c>, a duplicate id.
/// </summary>
public static class PolicyFile
{
    public const string Setting = "Rbac__PolicyPath";

    public static RbacPolicy Defaults { get; } = new([StytchDefaults.MemberRole, StytchDefaults.AdminRole], StytchDefaults.Resources, []);

    /// <summary>The policy, or the problems that stop start-up.</summary>
    public static (RbacPolicy? Policy, List<string> Errors) Load(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return (Defaults, []);
        var where = $"{Setting} ({path})";
        RbacPolicy? file;
        try
        {
            file = JsonSerializer.Deserialize<RbacPolicy>(File.ReadAllBytes(path), SessionJson.Options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return (null, [$"{where} could not be read as a Stytch RBAC policy (JSON with resources, roles and scopes): {e.Message}"]);
        }
        if (file is null) return (null, [$"{where} must hold a JSON object."]);
        var errors = new List<string>();
        var policy = Build(file, errors, where);
        return errors.Count == 0 ? (policy, errors) : (null, errors);
    }

    private static RbacPolicy Build(RbacPolicy file, List<string> errors, string where)
    {
        var custom = file.Resources ?? [];
        var resources = new Dictionary<string, PolicyResource>(StringComparer.Ordinal);
        foreach (var r in StytchDefaults.Resources) resources[r.ResourceId] = r;
        foreach (var r in custom)
        {
            if (!PolicyRules.IsId(r?.ResourceId)) { errors.Add($"{where}: a resource has no valid resource_id (1 to 128 characters, no spaces or control characters)."); continue; }
            if (StytchDefaults.IsReserved(r!.ResourceId)) { errors.Add($"{where}: resource '{r.ResourceId}' starts with 'stytch', which is reserved for Stytch's resources."); continue; }
            if (!resources.TryAdd(r.ResourceId, r)) { errors.Add($"{where}: resource '{r.ResourceId}' is declared twice."); continue; }
            var actions = r.Actions ?? [];
            if (actions.Count == 0) errors.Add($"{where}: resource '{r.ResourceId}' has no actions.");
            foreach (var a in actions)
                if (!PolicyRules.IsId(a) || a == StytchDefaults.Wildcard) errors.Add($"{where}: resource '{r.ResourceId}' has an invalid action '{a}' ('*' is only for permissions).");
            foreach (var a in actions.GroupBy(a => a, StringComparer.Ordinal).Where(g => g.Count() > 1))
                errors.Add($"{where}: resource '{r.ResourceId}' lists action '{a.Key}' twice.");
        }

        var roles = new List<PolicyRole>();
        var roleIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in file.Roles ?? [])
        {
            if (!PolicyRules.IsId(role?.RoleId)) { errors.Add($"{where}: a role has no valid role_id (1 to 128 characters, no spaces or control characters)."); continue; }
            if (!roleIds.Add(role!.RoleId)) { errors.Add($"{where}: role '{role.RoleId}' is declared twice."); continue; }
            if (StytchDefaults.IsReserved(role.RoleId) && role.RoleId is not (Roles.Member or Roles.Admin))
                errors.Add($"{where}: role '{role.RoleId}' starts with 'stytch', which is reserved for Stytch's roles (stytch_member and stytch_admin may be redefined).");
            foreach (var (_, problem) in PolicyRules.PermissionProblems(role.Permissions, resources))
                errors.Add($"{where}: role '{role.RoleId}' {problem}");
            roles.Add(role with { Description = role.Description ?? "", Permissions = role.Permissions ?? [] });
        }
        // Stytch's two roles always exist, first, with their default permissions unless the file redefines them.
        foreach (var builtIn in new[] { StytchDefaults.AdminRole, StytchDefaults.MemberRole })
            if (!roleIds.Contains(builtIn.RoleId)) roles.Insert(0, builtIn);

        var scopes = new List<PolicyScope>();
        var scopeIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var scope in file.Scopes ?? [])
        {
            if (!PolicyRules.IsId(scope?.Scope)) { errors.Add($"{where}: a scope has no valid scope (1 to 128 characters, no spaces or control characters)."); continue; }
            if (!scopeIds.Add(scope!.Scope)) { errors.Add($"{where}: scope '{scope.Scope}' is declared twice."); continue; }
            foreach (var (_, problem) in PolicyRules.PermissionProblems(scope.Permissions, resources))
                errors.Add($"{where}: scope '{scope.Scope}' {problem}");
            scopes.Add(scope with { Description = scope.Description ?? "", Permissions = scope.Permissions ?? [] });
        }

        return new RbacPolicy(roles, [.. resources.Values.Select(r => r with { Description = r.Description ?? "" })], scopes);
    }
}
