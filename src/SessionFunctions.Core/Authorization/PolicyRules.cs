using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Authorization;

/// <summary>The rules roles and scopes obey, in the project's policy file and in an organization's custom roles alike.</summary>
internal static class PolicyRules
{
    public const int MaxIdLength = 128;

    /// <summary>An id of a role, resource, action or scope: 1 to 128 characters, no whitespace or control characters.</summary>
    public static bool IsId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && !id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>What is wrong with a list of permissions: each problem's error type and a sentence that follows the owner's name.</summary>
    public static IEnumerable<(ErrorType Type, string Message)> PermissionProblems(IReadOnlyList<PolicyPermission>? permissions, IReadOnlyDictionary<string, PolicyResource> resources)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in permissions ?? [])
        {
            if (p?.ResourceId is null || !resources.TryGetValue(p.ResourceId, out var resource))
            {
                yield return (ErrorTypes.InvalidPermissionResource, $"has a permission on unknown resource '{p?.ResourceId}'.");
                continue;
            }
            if (!seen.Add(p.ResourceId)) yield return (ErrorTypes.InvalidPermissionResource, $"has two permissions on resource '{p.ResourceId}'.");
            var actions = p.Actions ?? [];
            if (actions.Count == 0) yield return (ErrorTypes.PermissionMissingActions, $"has a permission on resource '{p.ResourceId}' without actions.");
            if (actions.Contains(StytchDefaults.Wildcard) && actions.Count > 1)
                yield return (ErrorTypes.WildcardWithOtherActions, $"has a permission on resource '{p.ResourceId}' that lists '*' with other actions.");
            foreach (var a in actions.Where(a => a != StytchDefaults.Wildcard && !resource.Actions.Contains(a)))
                yield return (ErrorTypes.InvalidPermissionAction, $"grants action '{a}' on resource '{p.ResourceId}', which has no such action.");
        }
    }
}
