using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Core.TrustedTokens;

/// <summary>What a legacy provider's signed token vouches for: the email (checked as UserInfo's is) and an id for the factor.</summary>
public sealed record TrustedToken(string Email, string? Subject, string TokenId, string? Name = null);

/// <summary>
/// Checks a JWT a legacy provider signed (its id_token or a JWT access token) against that provider's public keys, with
/// no call to the provider once its keys are cached. Fails closed, each failure a 400 naming what was wrong: more than
/// 8 KB; not a compact JWS; a header or payload that is not one JSON object or repeats a name (the raw JSON is read, so a
/// claim given twice cannot be read one way here and another way elsewhere); an <c>alg</c> the provider does not list
/// (never <c>none</c> or HMAC: the public key can never be used as a shared secret); an unknown <c>kid</c> (the keys are
/// refreshed at most once per 5 minutes for it); a bad signature; another <c>iss</c>; no accepted <c>aud</c>; no or past
/// <c>exp</c>; <c>nbf</c> in the future; no <c>iat</c>, or one older than <c>MaxTokenAge</c> or in the future; no email
/// or an unverified one under the provider's <c>EmailVerified</c> policy (exactly as for UserInfo).
/// </summary>
public sealed class TrustedTokenReader(ProviderKeys keys, TimeProvider time)
{
    public const int MaxTokenBytes = 8 * 1024;

    /// <summary>How far the provider's clock may be ahead of ours (exp, nbf, iat).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    /// <summary>
    /// Whether <paramref name="token"/> is shaped as a JWT whose payload names <paramref name="issuer"/> in any of its
    /// <c>iss</c> members: migrate then checks it here and never sends it to UserInfo.
    /// </summary>
    public static bool NamesIssuer(string token, string issuer)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || Decode(parts[1]) is not { } payload) return false;
        try
        {
            using var document = JsonDocument.Parse(payload); // duplicates allowed here: any iss naming the issuer counts
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.EnumerateObject().Any(p => p.NameEquals("iss") && p.Value.ValueKind == JsonValueKind.String && p.Value.ValueEquals(issuer));
        }
        catch (JsonException) { return false; }
    }

    public async Task<TrustedToken> ReadAsync(LegacyProvider provider, SignaturePolicy policy, string token, CancellationToken ct)
    {
        if (Encoding.UTF8.GetByteCount(token) > MaxTokenBytes) throw Invalid($"The token is larger than {MaxTokenBytes / 1024} KB.");
        var parts = token.Split('.');
        if (parts.Length != 3) throw Invalid("The token is not a signed JWT (compact JWS: header.payload.signature).");
        using var header = Object(parts[0], "header");
        using var payload = Object(parts[1], "payload");

        var alg = String(header.RootElement, "alg");
        if (alg is null || !policy.Algorithms.Contains(alg, StringComparer.Ordinal))
            throw Invalid($"The token's alg is not one this provider signs with ({string.Join(", ", policy.Algorithms)}).");
        if (header.RootElement.TryGetProperty("crit", out _))
            throw Invalid("The token's header lists critical extensions (crit), which this service does not understand.");
        var kid = String(header.RootElement, "kid"); // the key comes from the provider's set, never from jwk/jku/x5u in the header

        var keySet = keys.For(provider, policy);
        var signingKeys = await keySet.GetAsync(ct);
        if (kid is not null && !signingKeys.Any(k => k.KeyId == kid))
            signingKeys = await keySet.RefreshAsync(ct) is { } fresh && fresh.Any(k => k.KeyId == kid)
                ? fresh
                : throw Invalid("The token names a key (kid) the provider does not publish.");

        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = signingKeys,
            ValidIssuer = policy.Issuer,
            ValidAudiences = policy.Audiences,
            ValidAlgorithms = policy.Algorithms,
            RequireSignedTokens = true,
            ValidateLifetime = false, // CheckTimes reads exp, nbf and iat from the raw payload, on this service's clock
            TryAllIssuerSigningKeys = kid is null,
        });
        if (!result.IsValid)
            throw Invalid(result.Exception switch
            {
                SecurityTokenInvalidIssuerException => "The token's iss is not this provider's issuer.",
                SecurityTokenInvalidAudienceException => "The token's aud names none of this provider's audiences.",
                SecurityTokenInvalidAlgorithmException => "The token's alg is not accepted.",
                _ => "The token's signature does not verify with the provider's keys.",
            });
        CheckTimes(payload.RootElement, policy.MaxTokenAge);
        return new TrustedToken(Email(payload, provider), String(payload.RootElement, "sub"), TokenId(payload.RootElement, token), String(payload.RootElement, "name"));
    }

    private void CheckTimes(JsonElement payload, TimeSpan maxAge)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)ClockSkew.TotalSeconds;
        var exp = NumericDate(payload, "exp") ?? throw Invalid("The token has no exp.");
        if (exp <= now - skew) throw Invalid("The token has expired.");
        if (NumericDate(payload, "nbf") is { } nbf && nbf > now + skew) throw Invalid("The token is not valid yet (nbf).");
        var iat = NumericDate(payload, "iat") ?? throw Invalid("The token has no iat.");
        if (iat > now + skew) throw Invalid("The token was issued in the future (iat).");
        if (iat < now - (long)maxAge.TotalSeconds) throw Invalid($"The token is older than this provider's MaxTokenAge ({maxAge}).");
    }

    /// <summary>The email and email_verified claims, read and judged exactly as a UserInfo answer's.</summary>
    private static string Email(JsonDocument payload, LegacyProvider provider)
    {
        try
        {
            return UserInfoClient.Parse(JsonSerializer.SerializeToUtf8Bytes(payload.RootElement), provider.EmailClaim, provider.EmailVerifiedRequired).Email;
        }
        catch (SessionException e) when (e.Type == ErrorTypes.MigrateMissingEmail)
        {
            throw new SessionException(e.Type, $"The token has no email address in its '{provider.EmailClaim}' claim.");
        }
        catch (SessionException e) when (e.Type == ErrorTypes.MigrateUnverifiedEmail)
        {
            throw new SessionException(e.Type, "The token does not say that the email address is verified (email_verified).");
        }
    }

    /// <summary>The token's <c>jti</c> when it has a usable one; otherwise a digest of the token (never the token itself).</summary>
    private static string TokenId(JsonElement payload, string token) =>
        String(payload, "jti") is { Length: > 0 and <= 128 } jti && !jti.Any(char.IsControl)
            ? jti
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..32];

    private static JsonDocument Object(string segment, string part)
    {
        if (Decode(segment) is not { } bytes) throw Invalid($"The token's {part} is not base64url.");
        JsonDocument document;
        try { document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 32 }); }
        catch (JsonException) { throw Invalid($"The token's {part} is not JSON without repeated names."); }
        if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
        document.Dispose();
        throw Invalid($"The token's {part} is not a JSON object.");
    }

    private static byte[]? Decode(string segment)
    {
        try { return segment.Length == 0 ? null : Base64Url.DecodeFromChars(segment); }
        catch (FormatException) { return null; }
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? NumericDate(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < 253402300799 ? (long)Math.Floor(d)
        : throw Invalid($"The token's {name} is not a NumericDate.");

    private static SessionException Invalid(string message) => new(ErrorTypes.InvalidTrustedAuthToken, message);
}
