using System.Security.Cryptography;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.TrustedTokens;

/// <summary>
/// How a legacy provider vouches by signature (<c>Sessions__Providers__{name}__Issuer</c> and its siblings): the JWTs it
/// signs (id_tokens, JWT access tokens) must name <see cref="Issuer"/>, one of <see cref="Audiences"/>, be signed with one
/// of <see cref="Algorithms"/> by a key found at exactly one of <see cref="JwksUrl"/>, <see cref="MetadataUrl"/> and
/// <see cref="SigningKeyPath"/>, and be at most <see cref="MaxTokenAge"/> old by <c>iat</c>.
/// </summary>
public sealed record SignaturePolicy(
    string Issuer, IReadOnlyList<string> Audiences, IReadOnlyList<string> Algorithms, TimeSpan MaxTokenAge,
    Uri? JwksUrl, Uri? MetadataUrl, string? SigningKeyPath)
{
    /// <summary>The only algorithms a provider may list: asymmetric, so the public key can never serve as an HMAC secret.</summary>
    public static readonly IReadOnlyList<string> Allowed = ["RS256", "PS256", "ES256"];

    /// <summary>The provider's signature settings, or null when it declares none (UserInfo only).</summary>
    public static SignaturePolicy? From(LegacyProviderOptions p) =>
        !Declared(p) ? null : new(p.Issuer!, Split(p.Audience), [.. Split(p.Algorithms).Select(a => a.ToUpperInvariant())], p.MaxTokenAge,
            Url(p.JwksUrl), Url(p.MetadataUrl), string.IsNullOrWhiteSpace(p.SigningKeyPath) ? null : p.SigningKeyPath);

    /// <summary>Whether any signature setting is present (then all of them must be right).</summary>
    public static bool Declared(LegacyProviderOptions p) =>
        new[] { p.Issuer, p.Audience, p.JwksUrl, p.MetadataUrl, p.SigningKeyPath }.Any(s => !string.IsNullOrWhiteSpace(s));

    /// <summary>Start-up checks, each naming its setting (<paramref name="prefix"/> is <c>Sessions__Providers__{name}__</c>).</summary>
    internal static void Validate(string prefix, LegacyProviderOptions p, List<string> errors)
    {
        if (!Declared(p)) return;
        if (string.IsNullOrWhiteSpace(p.Issuer) || p.Issuer.Length > 512 || p.Issuer.Any(char.IsControl))
            errors.Add($"{prefix}Issuer is required when the provider vouches by signature (the exact iss of its tokens, up to 512 characters).");
        if (Split(p.Audience).Count == 0 || Split(p.Audience).Any(a => a.Length > 512 || a.Any(char.IsControl)))
            errors.Add($"{prefix}Audience is required when the provider vouches by signature (one or more aud values, comma-separated).");
        var sources = new[] { p.JwksUrl, p.MetadataUrl, p.SigningKeyPath }.Count(s => !string.IsNullOrWhiteSpace(s));
        if (sources != 1)
            errors.Add($"{prefix}JwksUrl, {prefix}MetadataUrl or {prefix}SigningKeyPath: set exactly one (where the provider's public keys are); got {sources}.");
        if (!string.IsNullOrWhiteSpace(p.JwksUrl)) SessionsOptionsValidator.ValidateUrl(prefix + "JwksUrl", p.JwksUrl, errors);
        if (!string.IsNullOrWhiteSpace(p.MetadataUrl)) SessionsOptionsValidator.ValidateUrl(prefix + "MetadataUrl", p.MetadataUrl, errors);
        if (!string.IsNullOrWhiteSpace(p.SigningKeyPath) && !ReadsAsPublicKey(p.SigningKeyPath))
            errors.Add($"{prefix}SigningKeyPath must be a readable PEM file holding an RSA or EC P-256 public key; got '{p.SigningKeyPath}'.");
        var algorithms = Split(p.Algorithms);
        if (algorithms.Count == 0 || algorithms.Any(a => !Allowed.Contains(a, StringComparer.OrdinalIgnoreCase)))
            errors.Add($"{prefix}Algorithms must list one or more of RS256, PS256, ES256 (never none or an HMAC algorithm); got '{p.Algorithms}'.");
        if (p.MaxTokenAge < TimeSpan.FromMinutes(1) || p.MaxTokenAge > TimeSpan.FromDays(1))
            errors.Add($"{prefix}MaxTokenAge must be between 00:01:00 and 1.00:00:00 (how old by iat a signed token may be).");
    }

    internal static List<string> Split(string? list) =>
        [.. (list ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static Uri? Url(string? url) => string.IsNullOrWhiteSpace(url) ? null : new Uri(url);

    private static bool ReadsAsPublicKey(string path)
    {
        try { return ProviderKeys.ReadPem(path) is not null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException) { return false; }
    }
}
