using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Features;

/// <summary>
/// The email settings of an organization, as Stytch names them, checked the same way on create, update and import:
/// <c>email_jit_provisioning</c> (<c>RESTRICTED</c> or <c>NOT_ALLOWED</c>), <c>email_allowed_domains</c> (DNS names,
/// folded to lower case, never a public provider such as gmail.com) and <c>rbac_email_implicit_role_assignments</c>
/// (role ids as member roles are checked, domains as above).
/// </summary>
internal static class OrganizationSettings
{
    private const int MaxDomains = 1000;

    public static string? JitProvisioning(string? value) => value switch
    {
        null => null,
        Model.JitProvisioning.Restricted or Model.JitProvisioning.NotAllowed => value,
        _ => throw new SessionException(ErrorTypes.InvalidEmailJitProvisioning),
    };

    public static IReadOnlyList<string>? AllowedDomains(IReadOnlyList<string>? domains)
    {
        if (domains is null) return null;
        if (domains.Count > MaxDomains) throw new SessionException(ErrorTypes.InvalidEmailDomain);
        return [.. domains.Select(Domain).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Implicit role assignments (checked by <see cref="Authorization.OrganizationRoles.CheckAssignments"/>) may not grant a
    /// role to everyone at a public email provider either.
    /// </summary>
    public static IReadOnlyList<EmailImplicitRoleAssignment>? RefuseCommonDomains(IReadOnlyList<EmailImplicitRoleAssignment>? assignments) =>
        assignments?.FirstOrDefault(a => EmailDomains.IsCommon(a.Domain)) is null ? assignments : throw new SessionException(ErrorTypes.CommonEmailDomain);

    /// <summary>Whether a member with this email may be created on first sight in <paramref name="organization"/>.</summary>
    public static bool ProvisionsOnFirstSight(Organization organization, string normalizedEmail) =>
        organization.EmailJitProvisioning == Model.JitProvisioning.Restricted
        && organization.EmailAllowedDomains.Contains(EmailDomains.Of(normalizedEmail), StringComparer.Ordinal);

    private static string Domain(string? domain)
    {
        var normalized = EmailDomains.Normalize(domain) ?? throw new SessionException(ErrorTypes.InvalidEmailDomain);
        return EmailDomains.IsCommon(normalized) ? throw new SessionException(ErrorTypes.CommonEmailDomain) : normalized;
    }
}
