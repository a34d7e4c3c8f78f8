using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.TrustedTokens;

namespace SessionFunctions.Core.UserInfo;

/// <summary>
/// One configured legacy provider, resolved from <see cref="LegacyProviderOptions"/>. It vouches for an email through
/// its UserInfo endpoint (<see cref="UserInfoUrl"/>), by signature (<see cref="Signature"/>), or both.
/// </summary>
public sealed record LegacyProvider(string Name, Uri? UserInfoUrl, string EmailClaim, bool EmailVerifiedRequired, TimeSpan Timeout)
{
    /// <summary>How its signed tokens are checked; null when it vouches through UserInfo only.</summary>
    public SignaturePolicy? Signature { get; init; }

    /// <summary>What attest's <c>profile_id</c> must be for this provider (default: its name).</summary>
    public string ProfileId { get; init; } = Name;

    /// <summary>This instance's cap on UserInfo calls per second to it; null: none.</summary>
    public int? MaxCallsPerSecond { get; init; }

    /// <summary><c>Required</c> or <c>Trusted</c>, ignoring case; anything else is a configuration error.</summary>
    public static bool TryParseEmailVerified(string? value, out bool required)
    {
        required = string.Equals(value, "Required", StringComparison.OrdinalIgnoreCase);
        return required || string.Equals(value, "Trusted", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>
/// The legacy providers of <c>Sessions__Providers</c> (plus <c>Sessions__UserInfoUrl</c> as <c>default</c>), and which one
/// an organization uses: the one its <c>trusted_metadata.legacy_provider</c> names, or <c>default</c>. Provider URLs come
/// from configuration only, so no request can make migrate call an address of its choosing.
/// </summary>
public sealed class LegacyProviders
{
    public const string MetadataKey = "legacy_provider";

    private readonly Dictionary<string, LegacyProvider> _providers = new(StringComparer.OrdinalIgnoreCase);

    public LegacyProviders(IOptions<SessionsOptions> options)
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.UserInfoUrl))
            _providers[SessionsOptions.DefaultProvider] = new(SessionsOptions.DefaultProvider, new Uri(o.UserInfoUrl), "email", true, o.UserInfoTimeout);
        foreach (var (name, p) in o.Providers)
        {
            LegacyProvider.TryParseEmailVerified(p.EmailVerified, out var required);
            _providers[name] = new(name, string.IsNullOrWhiteSpace(p.UserInfoUrl) ? null : new Uri(p.UserInfoUrl), p.EmailClaim, required, p.Timeout ?? o.UserInfoTimeout)
            {
                Signature = SignaturePolicy.From(p),
                ProfileId = string.IsNullOrWhiteSpace(p.ProfileId) ? name : p.ProfileId,
                MaxCallsPerSecond = p.MaxCallsPerSecond,
            };
        }
    }

    /// <summary>The provider migrate calls for <paramref name="organization"/>.</summary>
    public LegacyProvider For(Organization organization)
    {
        var name = NameIn(organization.TrustedMetadata) ?? SessionsOptions.DefaultProvider;
        return _providers.TryGetValue(name, out var provider)
            ? provider
            : throw new SessionException(ErrorTypes.MigrateProviderError, "The organization's legacy provider is not configured on this service.");
    }

    /// <summary>
    /// Refuses organization metadata whose <c>legacy_provider</c> is not the name of a configured provider (a string), so a
    /// typo is caught when the organization is written, never at migrate time.
    /// </summary>
    public void Check(JsonObject? trustedMetadata)
    {
        if (trustedMetadata is null || !trustedMetadata.TryGetPropertyValue(MetadataKey, out var value)) return;
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String || !_providers.ContainsKey(v.GetValue<string>()))
            throw new SessionException(ErrorTypes.UnknownLegacyProvider);
    }

    private static string? NameIn(JsonObject metadata) =>
        metadata.TryGetPropertyValue(MetadataKey, out var value) && value is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : metadata.ContainsKey(MetadataKey) ? "" : null; // a non-string name matches no provider
}
