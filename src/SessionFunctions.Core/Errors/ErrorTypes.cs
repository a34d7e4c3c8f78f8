namespace SessionFunctions.Core.Errors;

/// <summary>The error catalog: every error this service can answer with, and nothing else.</summary>
public static class ErrorTypes
{
    // Generic request errors.
    public static readonly ErrorType BadRequest = new("bad_request", ErrorKind.BadRequest, "The submitted request is invalid.");
    public static readonly ErrorType InvalidArgument = new("invalid_argument", ErrorKind.BadRequest, "The request has a missing or invalid argument.");
    public static readonly ErrorType UnsupportedContentType = new("bad_request", ErrorKind.UnsupportedMediaType, "Request bodies must be JSON with Content-Type: application/json.");
    public static readonly ErrorType RequestTooLarge = new("bad_request", ErrorKind.PayloadTooLarge, "The request body is too large.");
    public static readonly ErrorType LengthRequired = new("bad_request", ErrorKind.LengthRequired, "Send the request body with a Content-Length header, not chunked.");
    public static readonly ErrorType HeadersTooLarge = new("bad_request", ErrorKind.HeadersTooLarge, "The request headers are too large.");
    public static readonly ErrorType RouteNotFound = new("route_not_found", ErrorKind.NotFound, "The requested route was not found.");
    public static readonly ErrorType MethodNotAllowed = new("method_not_allowed", ErrorKind.MethodNotAllowed, "The HTTP method is not allowed on this route.");
    public static readonly ErrorType UnauthorizedCredentials = new("unauthorized_credentials", ErrorKind.Unauthorized, "Unauthorized credentials.");
    public static readonly ErrorType TooManyRequests = new("too_many_requests", ErrorKind.TooManyRequests, "Too many requests have been made.");
    public static readonly ErrorType InternalServerError = new("internal_server_error", ErrorKind.Internal, "Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong.");
    public static readonly ErrorType ServerUnavailable = new("server_unavailable", ErrorKind.Unavailable, "The service is temporarily unavailable. Please retry the request.");
    public static readonly ErrorType ProjectNotFound = new("project_not_found", ErrorKind.NotFound, "Project could not be found.");

    // Organizations and members.
    public static readonly ErrorType OrganizationNotFound = new("organization_not_found", ErrorKind.NotFound, "Organization could not be found.");
    public static readonly ErrorType InvalidOrganizationName = new("invalid_organization_name", ErrorKind.BadRequest, "organization_name must be 1 to 128 characters, none of them control characters.");
    public static readonly ErrorType InvalidOrganizationSlug = new("invalid_organization_slug", ErrorKind.BadRequest, "organization_slug must be 2 to 128 characters of letters, digits and - . _ ~");
    public static readonly ErrorType InvalidOrganizationExternalId = new("invalid_organization_external_id", ErrorKind.BadRequest, "organization_external_id must be between 1 and 128 characters.");
    public static readonly ErrorType OrganizationSlugAlreadyUsed = new("organization_slug_already_used", ErrorKind.BadRequest, "An organization with this slug already exists.");
    public static readonly ErrorType OrganizationExternalIdAlreadyUsed = new("organization_external_id_already_used", ErrorKind.BadRequest, "An organization with this external id already exists.");
    public static readonly ErrorType MemberNotFound = new("member_not_found", ErrorKind.NotFound, "Member could not be found.");
    public static readonly ErrorType InvalidEmail = new("invalid_email", ErrorKind.BadRequest, "Email format is invalid.");
    public static readonly ErrorType DuplicateMemberEmail = new("duplicate_member_email", ErrorKind.BadRequest, "A member with this email already exists in the organization.");
    public static readonly ErrorType DuplicateMemberExternalId = new("duplicate_member_external_id", ErrorKind.BadRequest, "A member with this external id already exists in the organization.");
    public static readonly ErrorType InvalidMemberGetFields = new("invalid_member_get_fields", ErrorKind.BadRequest, "Pass exactly one of member_id or email_address.");
    public static readonly ErrorType UnknownLegacyProvider = new("invalid_legacy_provider", ErrorKind.BadRequest, "trusted_metadata.legacy_provider must be the name of a legacy provider configured on this service (Sessions__Providers__<name>).");
    public static readonly ErrorType InvalidEmailJitProvisioning = new("invalid_email_jit_provisioning", ErrorKind.BadRequest, "email_jit_provisioning must be RESTRICTED or NOT_ALLOWED.");
    public static readonly ErrorType InvalidEmailDomain = new("invalid_email_domain", ErrorKind.BadRequest, "Email domains must be DNS names such as example.com, at most 1000 of them.");
    public static readonly ErrorType CommonEmailDomain = new("invalid_email_allowed_domains", ErrorKind.BadRequest, "Common email domains such as gmail.com cannot be allowed domains or implicit role assignment domains.");
    public static readonly ErrorType MetadataTooLarge = new("metadata_too_large", ErrorKind.BadRequest, "trusted_metadata may not exceed 4 KB.");

    // Sessions.
    public static readonly ErrorType SessionNotFound = new("session_not_found", ErrorKind.NotFound, "Session could not be found.");
    public static readonly ErrorType InvalidSessionDurationMinutes = new("invalid_session_duration_minutes", ErrorKind.BadRequest, "session_duration_minutes is invalid, should be between 5 to 527040 minutes.");
    public static readonly ErrorType NoSessionArguments = new("no_session_arguments", ErrorKind.BadRequest, "One of session_token or session_jwt must be provided.");
    public static readonly ErrorType TooManySessionArguments = new("too_many_session_arguments", ErrorKind.BadRequest, "Only one of session_token or session_jwt may be provided.");
    public static readonly ErrorType NoSessionRevokeArguments = new("no_session_revoke_arguments", ErrorKind.BadRequest, "One of member_session_id, session_token, session_jwt or member_id must be provided.");
    public static readonly ErrorType TooManySessionRevokeArguments = new("too_many_session_revoke_arguments", ErrorKind.BadRequest, "Only one of member_session_id, session_token, session_jwt or member_id may be provided.");
    public static readonly ErrorType UnableToParseSessionJwt = new("unable_to_parse_session_jwt", ErrorKind.BadRequest, "The session_jwt could not be parsed.");
    public static readonly ErrorType JwtInvalidIssuer = new("jwt_invalid_issuer", ErrorKind.BadRequest, "The session_jwt has an invalid issuer.");
    public static readonly ErrorType JwtInvalidAudience = new("jwt_invalid_audience", ErrorKind.BadRequest, "The session_jwt has an invalid audience.");
    public static readonly ErrorType CustomClaimsTooLarge = new("custom_claims_too_large", ErrorKind.BadRequest, "Custom claims may not exceed 4 KB.");
    public static readonly ErrorType UnableToRepresentCustomClaims = new("unable_to_represent_custom_claims_json", ErrorKind.BadRequest, "session_custom_claims must be a JSON object.");

    // Migration from an external provider.
    public static readonly ErrorType MigrateTokenRejected = new("migrate_from_external_unexpected_response", ErrorKind.BadRequest, "The external provider rejected the session token.");
    public static readonly ErrorType MigrateProviderError = new("migrate_from_external_unexpected_response", ErrorKind.BadGateway, "The external provider's UserInfo endpoint answered with an unexpected response.");
    public static readonly ErrorType MigrateProviderUnavailable = new("migrate_from_external_unexpected_response", ErrorKind.Unavailable, "The external provider's UserInfo endpoint could not be reached in time. Please retry.");
    public static readonly ErrorType MigrateMissingEmail = new("migrate_from_external_missing_userinfo", ErrorKind.BadRequest, "The external provider's UserInfo response has no email address.");
    public static readonly ErrorType MigrateUnverifiedEmail = new("oidc_response_unverified_email", ErrorKind.BadRequest, "The external provider reports that the email address is not verified.");
    public static readonly ErrorType MigrateEmailNotAMember = new("migrate_from_external_email_does_not_exist", ErrorKind.NotFound, "No member of the organization has the email address the external provider returned.");

    // Signed legacy tokens (attest, and migrate with a JWT naming its provider's issuer).
    public static readonly ErrorType InvalidTrustedAuthToken = new("invalid_trusted_auth_token", ErrorKind.BadRequest, "The token is not one the organization's legacy provider signed, or it is expired or malformed.");
    public static readonly ErrorType TrustedAuthTokenProfileNotFound = new("trusted_auth_token_profile_not_found", ErrorKind.BadRequest, "profile_id is not the trusted auth token profile of the organization's legacy provider.");
    public static readonly ErrorType ProviderKeysUnavailable = new("trusted_auth_token_keys_unavailable", ErrorKind.Unavailable, "The legacy provider's public keys could not be fetched. Please retry.");
    public static readonly ErrorType SessionMemberMismatch = new("session_member_mismatch", ErrorKind.BadRequest, "The session belongs to another member or organization than the one the token vouches for.");

    // Idempotency-Key (IETF httpapi draft): a retried request gets the first answer again, or one of these.
    public static readonly ErrorType InvalidIdempotencyKey = new("invalid_idempotency_key", ErrorKind.BadRequest, "The Idempotency-Key header must be sent once, as 16 to 255 printable ASCII characters (a UUID is a good key).");
    public static readonly ErrorType IdempotencyKeyReused = new("idempotency_key_reused", ErrorKind.UnprocessableEntity, "This Idempotency-Key was already used with a different request. Use a new key for a new request.");
    public static readonly ErrorType IdempotencyRequestInProgress = new("idempotency_request_in_progress", ErrorKind.Conflict, "A request with this Idempotency-Key is still being processed. Retry later.");

    // Exchange (switch organization).
    public static readonly ErrorType ExchangeAcrossProviders = new("exchange_across_legacy_providers", ErrorKind.BadRequest, "The session was proven by another legacy provider than the one this organization trusts; migrate into it instead.");
    public static readonly ErrorType ExchangeIntoSameOrganization = new("invalid_organization_id", ErrorKind.BadRequest, "organization_id names the organization the session already belongs to.");

    // Authorization (RBAC): the policy, organizations' custom roles, role assignment and authorization checks.
    public static readonly ErrorType SessionAuthorizationError = new("session_authorization_error", ErrorKind.Forbidden, "The Member is not authorized to perform the requested action on that resource.");
    public static readonly ErrorType SessionAuthorizationTenancyError = new("session_authorization_tenancy_error", ErrorKind.Forbidden, "OrganizationID in AuthorizationCheck request does not match session's Organization ID");
    public static readonly ErrorType InvalidRbacRoleId = new("invalid_rbac_role_id", ErrorKind.BadRequest, "A role_id is not a role of the project's RBAC policy or of the organization's custom roles.");
    public static readonly ErrorType InvalidRbacCustomRole = new("invalid_rbac_custom_role", ErrorKind.BadRequest, "A custom role_id must be 1 to 128 characters without spaces, and may not start with 'stytch'.");
    public static readonly ErrorType RbacRoleDuplicate = new("rbac_role_duplicate", ErrorKind.BadRequest, "A custom role_id is used twice, or is already a role of the project's RBAC policy.");
    public static readonly ErrorType InvalidPermissionResource = new("invalid_permission_resource", ErrorKind.BadRequest, "A permission names a resource that is not in the project's RBAC policy.");
    public static readonly ErrorType InvalidPermissionAction = new("invalid_permission_action", ErrorKind.BadRequest, "A permission names an action that its resource does not have.");
    public static readonly ErrorType PermissionMissingActions = new("rbac_permission_missing_actions", ErrorKind.BadRequest, "A permission must list at least one action.");
    public static readonly ErrorType WildcardWithOtherActions = new("cannot_specify_wildcard_with_other_actions", ErrorKind.BadRequest, "A permission with the '*' action may not list other actions.");
    public static readonly ErrorType TooManyRoles = new("too_many_roles", ErrorKind.BadRequest, "An organization may have at most 50 custom roles and 50 email implicit role assignments, in at most 16 KB.");
    public static readonly ErrorType RbacInvalidDomain = new("rbac_invalid_domain", ErrorKind.BadRequest, "An email implicit role assignment needs a domain such as example.com.");
}
