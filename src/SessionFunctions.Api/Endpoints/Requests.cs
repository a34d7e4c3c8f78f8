using System.Text.Json.Nodes;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Api.Endpoints;

// Request bodies as Stytch's API names them. Every field is nullable so that a missing field is reported by name
// (ApiRequest.Required), and a field of the wrong JSON type fails deserialization with that field's path.

public sealed class CreateOrganizationBody
{
    public string? OrganizationName { get; set; }
    public string? OrganizationSlug { get; set; }
    public string? OrganizationExternalId { get; set; }
    public string? OrganizationLogoUrl { get; set; }
    public JsonObject? TrustedMetadata { get; set; }
    public List<EmailImplicitRoleAssignment>? RbacEmailImplicitRoleAssignments { get; set; }
}

public sealed class UpdateOrganizationBody
{
    public string? OrganizationName { get; set; }
    public string? OrganizationSlug { get; set; }
    public string? OrganizationExternalId { get; set; }
    public string? OrganizationLogoUrl { get; set; }
    public JsonObject? TrustedMetadata { get; set; }
    public List<EmailImplicitRoleAssignment>? RbacEmailImplicitRoleAssignments { get; set; }
}

public sealed class UpdateMemberBody
{
    public string? Name { get; set; }
    public List<string>? Roles { get; set; }
    public string? ExternalId { get; set; }
    public JsonObject? TrustedMetadata { get; set; }
    public JsonObject? UntrustedMetadata { get; set; }
    public bool? IsBreakglass { get; set; }
}

public sealed class CreateMemberBody
{
    public string? EmailAddress { get; set; }
    public string? Name { get; set; }
    public List<string>? Roles { get; set; }
    public string? ExternalId { get; set; }
    public JsonObject? TrustedMetadata { get; set; }
    public JsonObject? UntrustedMetadata { get; set; }
    public bool? CreateMemberAsPending { get; set; }
    public bool? IsBreakglass { get; set; }
}

public sealed class MigrateBody
{
    public string? SessionToken { get; set; }
    public string? OrganizationId { get; set; }
    public int? SessionDurationMinutes { get; set; }
    public JsonObject? SessionCustomClaims { get; set; }
}

public sealed class ExchangeBody
{
    public string? OrganizationId { get; set; }
    public string? SessionToken { get; set; }
    public string? SessionJwt { get; set; }
    public int? SessionDurationMinutes { get; set; }
    public JsonObject? SessionCustomClaims { get; set; }
    public string? Locale { get; set; }
}

public sealed class AuthenticateBody
{
    public string? SessionToken { get; set; }
    public string? SessionJwt { get; set; }
    public int? SessionDurationMinutes { get; set; }
    public JsonObject? SessionCustomClaims { get; set; }
    public AuthorizationCheckBody? AuthorizationCheck { get; set; }
}

public sealed class AuthorizationCheckBody
{
    public string? OrganizationId { get; set; }
    public string? ResourceId { get; set; }
    public string? Action { get; set; }
}

public sealed class RevokeBody
{
    public string? MemberSessionId { get; set; }
    public string? SessionToken { get; set; }
    public string? SessionJwt { get; set; }
    public string? MemberId { get; set; }
}
