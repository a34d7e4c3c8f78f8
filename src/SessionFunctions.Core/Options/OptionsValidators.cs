using Microsoft.Extensions.Options;
using NCrontab;

namespace SessionFunctions.Core.Options;

// Each validator names the setting as an operator writes it in the environment (Section__Key), so a bad
// configuration stops start-up with a message that says exactly what to fix.

internal sealed class SessionsOptionsValidator : IValidateOptions<SessionsOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionsOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.ProjectId))
            errors.Add("Sessions__ProjectId is required (for example project-test-00000000-0000-0000-0000-000000000000).");
        else if (!o.ProjectId.StartsWith("project-", StringComparison.Ordinal) || o.ProjectId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
            errors.Add($"Sessions__ProjectId must look like project-test-<id> or project-live-<id>; got '{o.ProjectId}'.");
        if (string.IsNullOrEmpty(o.ProjectSecret))
            errors.Add("Sessions__ProjectSecret is required.");
        else if (o.ProjectSecret.Length < 16)
            errors.Add("Sessions__ProjectSecret must be at least 16 characters.");
        if (o.UserInfoTimeout <= TimeSpan.Zero || o.UserInfoTimeout > TimeSpan.FromMinutes(1))
            errors.Add("Sessions__UserInfoTimeout must be between 00:00:00.001 and 00:01:00.");
        ValidateProviders(o, errors);
        if (o.OrganizationCacheDuration < TimeSpan.Zero || o.OrganizationCacheDuration > TimeSpan.FromDays(1))
            errors.Add("Sessions__OrganizationCacheDuration must be between 00:00:00 and 1.00:00:00 (how long an organization stays cached; updates reach every instance through the change feed).");
        if (o.OrganizationChangePoll < TimeSpan.FromMilliseconds(100) || o.OrganizationChangePoll > TimeSpan.FromMinutes(1))
            errors.Add("Sessions__OrganizationChangePoll must be between 00:00:00.1 and 00:01:00 (how long other instances may see an organization as it was before an update).");
        if (o.OrganizationCacheSize is < 100 or > 10_000_000)
            errors.Add("Sessions__OrganizationCacheSize must be between 100 and 10000000.");
        if (o.MaxSessionsPerMember is < 1 or > 1000)
            errors.Add($"Sessions__MaxSessionsPerMember must be between 1 and 1000 (a member's sessions; past it a new one deletes the oldest); got {o.MaxSessionsPerMember}.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateProviders(SessionsOptions o, List<string> errors)
    {
        var hasDefault = o.Providers.ContainsKey(SessionsOptions.DefaultProvider);
        if (!string.IsNullOrWhiteSpace(o.UserInfoUrl) && hasDefault)
            errors.Add("Sessions__UserInfoUrl and Sessions__Providers__default__UserInfoUrl both name the default provider; set only one.");
        else if (string.IsNullOrWhiteSpace(o.UserInfoUrl) && !hasDefault)
            errors.Add("Sessions__UserInfoUrl (or Sessions__Providers__default__UserInfoUrl) is required (the legacy provider's OIDC UserInfo endpoint).");
        else if (!hasDefault)
            ValidateUrl("Sessions__UserInfoUrl", o.UserInfoUrl, errors);
        foreach (var (name, p) in o.Providers)
        {
            var prefix = $"Sessions__Providers__{name}__";
            if (name.Length is < 1 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                errors.Add($"Sessions__Providers__<name>: a provider name must be 1 to 64 letters, digits, - or _; got '{name}'.");
            // A provider vouches through UserInfo, by signature, or both.
            if (!string.IsNullOrWhiteSpace(p.UserInfoUrl))
                ValidateUrl(prefix + "UserInfoUrl", p.UserInfoUrl, errors);
            else if (!TrustedTokens.SignaturePolicy.Declared(p))
                errors.Add($"{prefix}UserInfoUrl is required (the legacy provider's OIDC UserInfo endpoint), unless the provider vouches by signature ({prefix}Issuer, Audience and JwksUrl, MetadataUrl or SigningKeyPath).");
            TrustedTokens.SignaturePolicy.Validate(prefix, p, errors);
            if (p.ProfileId is { } profile && (profile.Length is < 1 or > 128 || profile.Any(char.IsControl)))
                errors.Add($"{prefix}ProfileId must be 1 to 128 characters (what clients send as profile_id to attest).");
            if (p.MaxCallsPerSecond is < 1 or > 100_000)
                errors.Add($"{prefix}MaxCallsPerSecond must be between 1 and 100000 (UserInfo calls per second from this instance).");
            if (p.EmailClaim.Length is < 1 or > 128 || p.EmailClaim.Any(char.IsControl))
                errors.Add($"{prefix}EmailClaim must be the name of a JSON member (1 to 128 characters).");
            if (!UserInfo.LegacyProvider.TryParseEmailVerified(p.EmailVerified, out _))
                errors.Add($"{prefix}EmailVerified must be Required or Trusted; got '{p.EmailVerified}'.");
            if (p.Timeout is { } t && (t <= TimeSpan.Zero || t > TimeSpan.FromMinutes(1)))
                errors.Add($"{prefix}Timeout must be between 00:00:00.001 and 00:01:00.");
        }
        // profile_id picks the provider on attest: two providers answering to one would make the choice ambiguous.
        foreach (var clash in o.Providers.GroupBy(p => p.Value.ProfileId ?? p.Key, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            errors.Add($"Sessions__Providers__<name>__ProfileId: providers {string.Join(", ", clash.Select(p => p.Key))} share the profile id '{clash.Key}'.");
    }

    /// <summary>An absolute https URL; plain http only on loopback (a local stand-in provider).</summary>
    internal static void ValidateUrl(string setting, string url, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(url))
            errors.Add($"{setting} is required (the legacy provider's OIDC UserInfo endpoint).");
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || !(u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp && u.IsLoopback))
            errors.Add($"{setting} must be an absolute https URL (http only on loopback); got '{url}'.");
        else if (!string.IsNullOrEmpty(u.UserInfo))
            errors.Add($"{setting} must not carry credentials in the URL.");
    }
}

internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.ConnectionString) && o.TableServiceUri is null)
            errors.Add("Storage__ConnectionString (for Azurite: UseDevelopmentStorage=true) or Storage__TableServiceUri is required.");
        if (!string.IsNullOrWhiteSpace(o.ConnectionString) && !LooksLikeConnectionString(o.ConnectionString))
            errors.Add("Storage__ConnectionString is malformed: expected UseDevelopmentStorage=true or Key=Value;… pairs.");
        if (o.TableServiceUri is { IsAbsoluteUri: false })
            errors.Add("Storage__TableServiceUri must be an absolute URL.");
        if (o.TablePrefix.Length > 40 || o.TablePrefix.Any(c => !char.IsAsciiLetterOrDigit(c)) || (o.TablePrefix.Length > 0 && !char.IsAsciiLetter(o.TablePrefix[0])))
            errors.Add("Storage__TablePrefix must be up to 40 letters and digits, starting with a letter.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool LooksLikeConnectionString(string s) =>
        s.Trim().Equals("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
        || s.Split(';', StringSplitOptions.RemoveEmptyEntries).All(p => p.IndexOf('=') > 0) && s.Contains("AccountName=", StringComparison.OrdinalIgnoreCase);
}

internal sealed class SigningOptionsValidator : IValidateOptions<SigningOptions>
{
    private const string KeyIdShape = "https://<vault>.vault.azure.net/keys/<name>[/<32-hex version>]";

    public ValidateOptionsResult Validate(string? name, SigningOptions o)
    {
        var errors = new List<string>();
        if (o.KeyVaultKeyId is { } k && !IsKeyVaultKeyId(k))
            errors.Add($"Signing__KeyVaultKeyId must look like {KeyIdShape}; got '{k}'.");
        if (o.WrappingKeyId is { } w && !IsKeyVaultKeyId(w))
            errors.Add($"Signing__WrappingKeyId must look like {KeyIdShape}; got '{w}'.");
        if (!string.IsNullOrWhiteSpace(o.Mode) && !Enum.GetNames<SigningMode>().Contains(o.Mode.Trim(), StringComparer.OrdinalIgnoreCase))
            errors.Add($"Signing__Mode must be KeyVault, Wrapped or Local; got '{o.Mode}'.");
        else
            ValidateMode(o, errors);
        if (o.RotationOverlapDays is < 0 or > 3650)
            errors.Add("Signing__RotationOverlapDays must be between 0 and 3650.");
        if (o.JwtReuseWindow < TimeSpan.Zero || o.JwtReuseWindow > TimeSpan.FromMinutes(4))
            errors.Add("Signing__JwtReuseWindow must be between 00:00:00 (off) and 00:04:00, so a reused JWT still has a minute to live.");
        if (o.KeyRefreshInterval < TimeSpan.FromSeconds(1))
            errors.Add("Signing__KeyRefreshInterval must be at least one second.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Each mode needs its own key settings and refuses another mode's, so a half-changed configuration never picks a key silently.</summary>
    private static void ValidateMode(SigningOptions o, List<string> errors)
    {
        var mode = o.EffectiveMode;
        var wrappingSet = o.WrappingKeyId is not null || !string.IsNullOrWhiteSpace(o.WrappingKeyPath);
        switch (mode)
        {
            case SigningMode.KeyVault when o.KeyVaultKeyId is null:
                errors.Add("Signing__Mode is KeyVault: Signing__KeyVaultKeyId is required.");
                break;
            case SigningMode.Local when string.IsNullOrWhiteSpace(o.LocalKeyPath):
                errors.Add(string.IsNullOrWhiteSpace(o.Mode)
                    ? "Signing__LocalKeyPath or Signing__KeyVaultKeyId is required."
                    : "Signing__Mode is Local: Signing__LocalKeyPath is required.");
                break;
            case SigningMode.Local when o.KeyVaultKeyId is not null:
                errors.Add("Signing__Mode is Local but Signing__KeyVaultKeyId is set: remove it, or set Signing__Mode to KeyVault.");
                break;
            case SigningMode.Wrapped:
                ValidateWrapped(o, errors);
                break;
        }
        if (mode != SigningMode.Wrapped && wrappingSet)
            errors.Add(string.IsNullOrWhiteSpace(o.Mode)
                ? "Signing__WrappingKeyId or Signing__WrappingKeyPath is set but Signing__Mode is not: set Signing__Mode to Wrapped."
                : $"Signing__Mode is {mode}: Signing__WrappingKeyId and Signing__WrappingKeyPath apply only to Wrapped; remove them.");
    }

    private static void ValidateWrapped(SigningOptions o, List<string> errors)
    {
        var hasPath = !string.IsNullOrWhiteSpace(o.WrappingKeyPath);
        if ((o.WrappingKeyId is null) == !hasPath)
            errors.Add("Signing__Mode is Wrapped: set exactly one of Signing__WrappingKeyId (a Key Vault key) and Signing__WrappingKeyPath (a local PEM, for development).");
        if (o.KeyVaultKeyId is not null)
            errors.Add("Signing__Mode is Wrapped but Signing__KeyVaultKeyId is set: remove it (Wrapped uses Signing__WrappingKeyId), or set Signing__Mode to KeyVault.");
        if (o.RotationInterval < TimeSpan.FromSeconds(1))
            errors.Add("Signing__RotationInterval must be at least one second.");
        if (o.RotationLead < o.KeyRefreshInterval)
            errors.Add("Signing__RotationLead must be at least Signing__KeyRefreshInterval, so every instance has published a new key before any signs with it.");
        if (o.RotationLead >= o.RotationInterval)
            errors.Add("Signing__RotationLead must be shorter than Signing__RotationInterval.");
        if (o.RotationOverlapDays < 1)
            errors.Add("Signing__Mode is Wrapped: Signing__RotationOverlapDays must be at least 1, so JWTs signed by a rotated-out key keep verifying.");
    }

    private static bool IsKeyVaultKeyId(Uri id) => Signing.KeyVaultKeyId.TryParse(id, out _) && (id.Scheme == Uri.UriSchemeHttps || id.IsLoopback);
}

internal sealed class SweepOptionsValidator : IValidateOptions<SweepOptions>
{
    public ValidateOptionsResult Validate(string? name, SweepOptions o)
    {
        var errors = new List<string>();
        if (CrontabSchedule.TryParse(o.Schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is null)
            errors.Add($"Sweep__Schedule must be a six-field NCRONTAB expression such as '0 */5 * * * *'; got '{o.Schedule}'.");
        if (o.Parallelism is < 1 or > 64)
            errors.Add("Sweep__Parallelism must be between 1 and 64.");
        if (o.Partitions is < 1 or > 64)
            errors.Add("Sweep__Partitions must be between 1 and 64.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
