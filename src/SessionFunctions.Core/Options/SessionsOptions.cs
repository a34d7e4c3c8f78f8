namespace SessionFunctions.Core.Options;

/// <summary>Settings under <c>Sessions</c> (environment: <c>Sessions__ProjectId</c> and so on).</summary>
public sealed class SessionsOptions
{
    public const string Section = "Sessions";

    /// <summary>The name of the provider migrate uses for an organization whose trusted_metadata names none.</summary>
    public const string DefaultProvider = "default";

    /// <summary>The project id clients authenticate with (HTTP Basic user name); <c>project-live-…</c> or <c>project-test-…</c>.</summary>
    public string ProjectId { get; set; } = "";

    /// <summary>The project secret (HTTP Basic password).</summary>
    public string ProjectSecret { get; set; } = "";

    /// <summary>Shorthand for <c>Sessions__Providers__default__UserInfoUrl</c>: the legacy provider's OIDC UserInfo endpoint.</summary>
    public string UserInfoUrl { get; set; } = "";

    /// <summary>How long migrate waits for a UserInfo endpoint whose provider sets no <c>Timeout</c>. Default 5 seconds.</summary>
    public TimeSpan UserInfoTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The legacy providers, by name (<c>Sessions__Providers__{name}__UserInfoUrl</c> and so on). An organization picks
    /// one with <c>trusted_metadata.legacy_provider</c>; without it, migrate uses <c>default</c>. Names ignore case.
    /// </summary>
    public Dictionary<string, LegacyProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The JWT <c>iss</c>. Default <c>stytch.com/{ProjectId}</c>, which every Stytch SDK accepts.</summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// How long a resolved organization is kept in memory (0: not cached). Updates do not wait for it: every instance
    /// evicts what the change feed names (see <see cref="OrganizationChangePoll"/>). Default 1 hour.
    /// </summary>
    public TimeSpan OrganizationCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often an instance reads the organization change feed before it trusts its cache: the longest another instance
    /// may act on an organization as it was before an update. Default 5 seconds.
    /// </summary>
    public TimeSpan OrganizationChangePoll { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many entries (ids and names) the organization cache holds at most. Default 100,000.</summary>
    public int OrganizationCacheSize { get; set; } = 100_000;

    /// <summary>
    /// The most sessions a member holds (next to its member row): a new one past it deletes the oldest in the same
    /// transaction, so listing a member's sessions stays bounded. 1 to 1000; default 100.
    /// </summary>
    public int MaxSessionsPerMember { get; set; } = 100;

    public string EffectiveIssuer => string.IsNullOrEmpty(Issuer) ? $"stytch.com/{ProjectId}" : Issuer;
}

/// <summary>One legacy identity provider (<c>Sessions__Providers__{name}__…</c>). URLs come from configuration only.</summary>
public sealed class LegacyProviderOptions
{
    /// <summary>Its OIDC UserInfo endpoint: an absolute https URL (http only on loopback). Optional when the provider vouches by signature.</summary>
    public string UserInfoUrl { get; set; } = "";

    /// <summary>The member of the UserInfo JSON object that holds the email address. Default <c>email</c>.</summary>
    public string EmailClaim { get; set; } = "email";

    /// <summary>
    /// <c>Required</c> (default): the answer must say <c>"email_verified": true</c>. <c>Trusted</c>: an answer without the
    /// claim is accepted (for providers such as Microsoft Entra ID that never send it); a present claim must still be true.
    /// </summary>
    public string EmailVerified { get; set; } = "Required";

    /// <summary>How long migrate waits for this provider. Default <c>Sessions__UserInfoTimeout</c>.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>The <c>iss</c> of the JWTs the provider signs (its id_tokens or JWT access tokens): with it, the provider vouches by signature.</summary>
    public string? Issuer { get; set; }

    /// <summary>The accepted <c>aud</c> values, comma-separated (one of them must be in the token's <c>aud</c>).</summary>
    public string? Audience { get; set; }

    /// <summary>Where the provider publishes its JWKS (one of JwksUrl, MetadataUrl, SigningKeyPath).</summary>
    public string? JwksUrl { get; set; }

    /// <summary>Its OpenID Connect discovery document (<c>.well-known/openid-configuration</c>), which names the JWKS.</summary>
    public string? MetadataUrl { get; set; }

    /// <summary>A PEM public key (RSA or EC P-256) the provider signs with: for development and tests.</summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>The signature algorithms accepted, comma-separated: <c>RS256</c>, <c>PS256</c>, <c>ES256</c>. Default <c>RS256</c>.</summary>
    public string Algorithms { get; set; } = "RS256";

    /// <summary>How old (by <c>iat</c>) a signed token may be. Default 1 hour.</summary>
    public TimeSpan MaxTokenAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>What clients send as <c>profile_id</c> to attest with this provider. Default: the provider's name.</summary>
    public string? ProfileId { get; set; }

    /// <summary>The most UserInfo calls per second this instance makes to the provider (per instance). Default: no cap.</summary>
    public int? MaxCallsPerSecond { get; set; }
}
