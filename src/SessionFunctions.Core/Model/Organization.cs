using System.Text.Json.Nodes;

namespace SessionFunctions.Core.Model;

/// <summary>Stytch's B2B Organization object. Every field the spec marks required is present, with Stytch's defaults.</summary>
public sealed record Organization
{
    public required string OrganizationId { get; init; }
    public required string OrganizationName { get; init; }
    public string OrganizationLogoUrl { get; init; } = "";
    public required string OrganizationSlug { get; init; }
    public string? OrganizationExternalId { get; init; }
    public JsonObject TrustedMetadata { get; init; } = [];
    public string SsoJitProvisioning { get; init; } = "NOT_ALLOWED";
    public IReadOnlyList<string> SsoJitProvisioningAllowedConnections { get; init; } = [];
    public IReadOnlyList<JsonObject> SsoActiveConnections { get; init; } = [];
    public IReadOnlyList<string> EmailAllowedDomains { get; init; } = [];
    public string EmailJitProvisioning { get; init; } = "NOT_ALLOWED";
    public string EmailInvites { get; init; } = "ALL_ALLOWED";
    public string AuthMethods { get; init; } = "ALL_ALLOWED";
    public IReadOnlyList<string> AllowedAuthMethods { get; init; } = [];
    public string MfaPolicy { get; init; } = "OPTIONAL";
    public IReadOnlyList<EmailImplicitRoleAssignment> RbacEmailImplicitRoleAssignments { get; init; } = [];
    public string MfaMethods { get; init; } = "ALL_ALLOWED";
    public IReadOnlyList<string> AllowedMfaMethods { get; init; } = [];
    public string OauthTenantJitProvisioning { get; init; } = "NOT_ALLOWED";
    public IReadOnlyList<string> ClaimedEmailDomains { get; init; } = [];
    public string FirstPartyConnectedAppsAllowedType { get; init; } = "ALL_ALLOWED";
    public IReadOnlyList<string> AllowedFirstPartyConnectedApps { get; init; } = [];
    public string ThirdPartyConnectedAppsAllowedType { get; init; } = "ALL_ALLOWED";
    public IReadOnlyList<string> AllowedThirdPartyConnectedApps { get; init; } = [];
    public IReadOnlyList<PolicyRole> CustomRoles { get; init; } = [];
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// How many partitions this organization's members are spread over (see <see cref="Storage.MemberPartition"/>);
    /// 0 for organizations created before sharding, whose members all live in one partition. Stored beside the
    /// organization's payload, never part of the API object.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int MemberShards { get; init; }
}
