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
/// Verifies a session JWT locally (RS256 signature against the cached keys, issuer, audience) and reads which session
/// it names. Expiry is deliberately not checked: an expired JWT whose session is still alive may be refreshed.
/// </summary>
public sealed class SessionJwtReader(SigningKeyRing ring, IOptions<SessionsOptions> options)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

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
            ValidateLifetime = false,
            RequireExpirationTime = true,
            TryAllIssuerSigningKeys = false,
        });
        if (!result.IsValid)
            throw new SessionException(result.Exception switch
            {
                SecurityTokenInvalidIssuerException => ErrorTypes.JwtInvalidIssuer,
                SecurityTokenInvalidAudienceException => ErrorTypes.JwtInvalidAudience,
                SecurityTokenMalformedException or SecurityTokenNoExpirationException => ErrorTypes.UnableToParseSessionJwt,
                _ => ErrorTypes.SessionNotFound, // a bad signature names no session of ours
            });
        return ReadClaims(token);
    }

    private static SessionJwtClaims ReadClaims(JsonWebToken token)
    {
        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(token.EncodedPayload));
            var root = payload.RootElement;
            return new SessionJwtClaims(
                root.GetProperty("sub").GetString()!,
                root.GetProperty(SessionJwtIssuer.SessionClaim).GetProperty("id").GetString()!,
                root.GetProperty(SessionJwtIssuer.OrganizationClaim).GetProperty("organization_id").GetString()!);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or JsonException or FormatException)
        {
            throw new SessionException(ErrorTypes.UnableToParseSessionJwt);
        }
    }
}
