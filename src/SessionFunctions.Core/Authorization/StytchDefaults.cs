using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Authorization;

/// <summary>
/// Stytch's default resources and roles, part of every project's policy. Sources: the resource and action lists in Stytch's
/// OpenAPI description (<c>api_b2b_rbac_v1_PolicyResource</c>, also in the Node SDK's <c>lib/b2b/rbac.ts</c>) and the guide
/// "Stytch Resources and Roles" (https://stytch.com/docs/b2b/guides/rbac/stytch-default): <c>stytch_member</c> holds every
/// <c>stytch.self</c> permission, <c>stytch_admin</c> every permission on <c>stytch.organization</c>, <c>stytch.member</c>
/// and <c>stytch.sso</c>.
/// </summary>
public static class StytchDefaults
{
    /// <summary>Resource ids starting with this are Stytch's; a policy may not declare its own.</summary>
    public const string ReservedPrefix = "stytch";

    public const string Wildcard = "*";

    public static IReadOnlyList<PolicyResource> Resources { get; } =
    [
        new("stytch.organization", "Access controls for the Organization.",
        [
            "update.info.name", "update.info.slug", "update.info.untrusted_metadata", "update.info.email_jit_provisioning",
            "update.info.logo_url", "update.info.email_invites", "update.info.allowed_domains", "update.info.default_sso_connection",
            "update.info.sso_jit_provisioning", "update.info.mfa_policy", "update.info.implicit_roles", "delete",
        ]),
        new("stytch.member", "Access controls for all Members in the Organization.",
        [
            "create", "update.info.name", "update.info.untrusted_metadata", "update.info.mfa-phone", "update.info.delete.mfa-phone",
            "update.settings.is-breakglass", "update.settings.mfa_enrolled", "update.settings.roles", "search", "delete",
        ]),
        new("stytch.sso", "Access controls for SSO Connections.", ["create", "update", "delete"]),
        new("stytch.self", "Access controls for the logged-in Member.",
        [
            "update.info.name", "update.info.untrusted_metadata", "update.info.mfa-phone", "update.info.delete.mfa-phone",
            "update.info.delete.password", "update.settings.mfa_enrolled", "delete",
        ]),
    ];

    public static PolicyRole MemberRole { get; } = new(Roles.Member,
        "Granted to all Members upon creation; grants permissions already implicitly granted to logged in Members via the SDK.",
        [new("stytch.self", [Wildcard])]);

    public static PolicyRole AdminRole { get; } = new(Roles.Admin,
        "Granted to Members who create an Organization through the Discovery flow. Admins have every permission on Stytch's resources of their Organization.",
        [new("stytch.organization", [Wildcard]), new("stytch.member", [Wildcard]), new("stytch.sso", [Wildcard])]);

    public static bool IsReserved(string id) => id.StartsWith(ReservedPrefix, StringComparison.OrdinalIgnoreCase);
}
