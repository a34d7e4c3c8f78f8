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
    /// How long a resolved organization is kept in memory. An organization update shows at once on the instance that
    /// made it and on every other instance within this time. Default 30 seconds.
    /// </summary>
    public TimeSpan OrganizationCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

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
    /// <summary>Its OIDC UserInfo endpoint: an absolute https URL (http only on loopback).</summary>
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
}
