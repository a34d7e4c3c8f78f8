namespace SessionFunctions.Core.Options;

/// <summary>Settings under <c>Sessions</c> (environment: <c>Sessions__ProjectId</c> and so on).</summary>
public sealed class SessionsOptions
{
    public const string Section = "Sessions";

    /// <summary>The project id clients authenticate with (HTTP Basic user name); <c>project-live-…</c> or <c>project-test-…</c>.</summary>
    public string ProjectId { get; set; } = "";

    /// <summary>The project secret (HTTP Basic password).</summary>
    public string ProjectSecret { get; set; } = "";

    /// <summary>The legacy provider's OIDC UserInfo endpoint that migrate calls with the legacy access token.</summary>
    public string UserInfoUrl { get; set; } = "";

    /// <summary>How long migrate waits for the UserInfo endpoint. Default 5 seconds.</summary>
    public TimeSpan UserInfoTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The JWT <c>iss</c>. Default <c>stytch.com/{ProjectId}</c>, which every Stytch SDK accepts.</summary>
    public string? Issuer { get; set; }

    /// <summary>How long a resolved organization is kept in memory (organizations are immutable here). Default 5 minutes.</summary>
    public TimeSpan OrganizationCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    public string EffectiveIssuer => string.IsNullOrEmpty(Issuer) ? $"stytch.com/{ProjectId}" : Issuer;
}
