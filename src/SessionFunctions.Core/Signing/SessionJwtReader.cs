using System.Buffers.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Signing;

/// <summary>What a verified session JWT points at.</summary>
public sealed record SessionJwtClaims(string MemberId, string MemberSessionId, string OrganizationId);

/// <summary>
/// Verifies a session JWT locally (RS256 signature against the cached keys, issuer, audience, well-formed times) and
/// reads which session it names. <c>exp</c>, <c>iat</c> and <c>nbf</c> must be integers within year 1970..9999,
/// <c>iat</c> and <c>nbf</c> no later than now + <see cref="ClockSkew"/>, and <c>exp</c> after both. Expiry itself
/// is deliberately not checked: as with Stytch, an expired JWT whose session is still alive may be refreshed.
/// </summary>
public sealed class SessionJwtReader(SigningKeyRing ring, IOptions<SessionsOptions> options, TimeProvider? time = null)
{
    /// <summary>How far ahead of this instance's clock the signing instance's may have been.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private const long LatestNumericDate = 253402300799; // 9999-12-31T23:59:59Z
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<SessionJwtClaims> ReadAsync(string jwt, CancellationToken ct)
    {
        JsonWebToken token;
        try { token = new JsonWebToken(jwt); }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException) { throw new SessionException(ErrorTypes.UnableToParseSessionJwt); }

        if (string.IsNullOrEmpty(token.Kid) || await ring.FindAsync(token.Kid, ct) is not { } key)
            throw new SessionException(ErrorTypes.SessionNotFound);

        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidIssuer = options.Value.EffectiveIssuer,
            ValidAudience = options.Value.ProjectId,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateLifetime = false, // CheckTimes reads exp, iat and nbf itself (RequireExpirationTime needs lifetime validation)
            TryAllIssuerSigningKeys = false,
        });
        if (!result.IsValid)
            throw new SessionException(result.Exception switch
            {
                SecurityTokenInvalidIssuerException => ErrorTypes.JwtInvalidIssuer,
                SecurityTokenInvalidAudienceException => ErrorTypes.JwtInvalidAudience,
                SecurityTokenMalformedException => ErrorTypes.UnableToParseSessionJwt,
                _ => ErrorTypes.SessionNotFound, // a bad signature names no session of ours
            });
        return ReadClaims(token);
    }

    private SessionJwtClaims ReadClaims(JsonWebToken token)
    {
        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(token.EncodedPayload));
            var root = payload.RootElement;
            var claims = new SessionJwtClaims(
                root.GetProperty("sub").GetString()!,
                root.GetProperty(SessionJwtIssuer.SessionClaim).GetProperty("id").GetString()!,
                root.GetProperty(SessionJwtIssuer.OrganizationClaim).GetProperty("organization_id").GetString()!);
            CheckTimes(root);
            return claims;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or JsonException or FormatException)
        {
            throw new SessionException(ErrorTypes.UnableToParseSessionJwt);
        }
    }

    private void CheckTimes(JsonElement payload)
    {
        long iat = NumericDate(payload, "iat"), nbf = NumericDate(payload, "nbf"), exp = NumericDate(payload, "exp");
        if (exp <= iat || exp <= nbf)
            throw new SessionException(ErrorTypes.UnableToParseSessionJwt, "The session_jwt expires before it was issued.");
        var latest = (_time.GetUtcNow() + ClockSkew).ToUnixTimeSeconds();
        if (iat > latest || nbf > latest)
            throw new SessionException(ErrorTypes.UnableToParseSessionJwt, "The session_jwt is not valid yet.");
    }

    private static long NumericDate(JsonElement payload, string claim) =>
        payload.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            && seconds is >= 0 and <= LatestNumericDate
            ? seconds
            : throw new SessionException(ErrorTypes.UnableToParseSessionJwt, $"The session_jwt has no valid {claim} claim.");
}
