using System.Text.Json.Nodes;

namespace SessionFunctions.Core.Model;

/// <summary>Stytch's B2B MemberSession object, field for field.</summary>
public sealed record MemberSession
{
    public required string MemberSessionId { get; init; }
    public required string MemberId { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset LastAccessedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required IReadOnlyList<AuthenticationFactor> AuthenticationFactors { get; init; }
    public required string OrganizationId { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public required string OrganizationSlug { get; init; }
    public JsonObject CustomClaims { get; init; } = [];
}

/// <summary>One factor of a session. Migrated sessions carry <c>imported</c> / <c>imported_auth0</c> with an email factor.</summary>
public sealed record AuthenticationFactor
{
    public required string Type { get; init; }
    public required string DeliveryMethod { get; init; }
    public required DateTimeOffset LastAuthenticatedAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public EmailFactor? EmailFactor { get; init; }
    public TrustedAuthTokenFactor? TrustedAuthTokenFactor { get; init; }

    public static AuthenticationFactor Imported(DateTimeOffset at, string emailId, string emailAddress) => new()
    {
        Type = "imported",
        DeliveryMethod = "imported_auth0",
        LastAuthenticatedAt = at,
        CreatedAt = at,
        UpdatedAt = at,
        EmailFactor = new EmailFactor(emailId, emailAddress),
    };
}

public sealed record EmailFactor(string EmailId, string EmailAddress);

/// <summary>Stytch's factor detail for an attested token: <c>token_id</c> (the token's <c>jti</c>, or a digest of it).</summary>
public sealed record TrustedAuthTokenFactor(string TokenId)
{
    public const string Type = "trusted_auth_token";

    /// <summary>Stytch's documented factor for trusted auth tokens: <c>trusted_auth_token</c> / <c>trusted_token_exchange</c>.</summary>
    public static AuthenticationFactor At(DateTimeOffset at, string tokenId) => new()
    {
        Type = Type,
        DeliveryMethod = "trusted_token_exchange",
        LastAuthenticatedAt = at,
        CreatedAt = at,
        UpdatedAt = at,
        TrustedAuthTokenFactor = new TrustedAuthTokenFactor(tokenId),
    };
}
