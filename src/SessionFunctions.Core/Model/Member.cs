using System.Text.Json.Nodes;

namespace SessionFunctions.Core.Model;

/// <summary>Stytch's B2B Member object. Every field the spec marks required is present, with Stytch's defaults.</summary>
public sealed record Member
{
    public required string OrganizationId { get; init; }
    public required string MemberId { get; init; }
    public required string EmailAddress { get; init; }
    public required string Status { get; init; }
    public string Name { get; init; } = "";
    public IReadOnlyList<JsonObject> SsoRegistrations { get; init; } = [];
    public bool IsBreakglass { get; init; }
    public string MemberPasswordId { get; init; } = "";
    public IReadOnlyList<JsonObject> OauthRegistrations { get; init; } = [];
    public bool EmailAddressVerified { get; init; }
    public bool MfaPhoneNumberVerified { get; init; }
    public bool IsAdmin { get; init; }
    public string TotpRegistrationId { get; init; } = "";
    public IReadOnlyList<JsonObject> RetiredEmailAddresses { get; init; } = [];
    public bool IsLocked { get; init; }
    public bool MfaEnrolled { get; init; }
    public string MfaPhoneNumber { get; init; } = "";
    public string DefaultMfaMethod { get; init; } = "";
    public required IReadOnlyList<MemberRole> Roles { get; init; }
    public JsonObject TrustedMetadata { get; init; } = [];
    public JsonObject UntrustedMetadata { get; init; } = [];
    public string? ExternalId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The role ids a session of this member carries (the JWT's and MemberSession's <c>roles</c>).</summary>
    public IReadOnlyList<string> RoleIds() => [.. Roles.Select(r => r.RoleId)];
}

public sealed record MemberRole(string RoleId, IReadOnlyList<MemberRoleSource> Sources);

public sealed record MemberRoleSource(string Type, JsonObject? Details = null);

public static class MemberRoleSources
{
    public const string Direct = "direct_assignment";
    public const string Email = "email_assignment";
}

public static class MemberStatus
{
    public const string Active = "active";
    public const string Pending = "pending";
    public const string Invited = "invited";
    public const string Deleted = "deleted";
}

public static class Roles
{
    /// <summary>Every member holds this role implicitly.</summary>
    public const string Member = "stytch_member";
    public const string Admin = "stytch_admin";
}
