using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>Verifies session JWTs the way a relying party does: against the JWKS the server publishes, with Microsoft.IdentityModel.</summary>
public static class Jwts
{
    public static async Task<JsonWebToken> VerifyAgainstJwksAsync(ServerFixture server, string jwt, bool validateLifetime = true)
    {
        var jwks = await server.GetAsync($"/v1/b2b/sessions/jwks/{server.ProjectId}", server.Anonymous);
        var keySet = new JsonWebKeySet(jwks.Raw);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKeys = keySet.GetSigningKeys(),
            ValidIssuer = "stytch.com/" + server.ProjectId,
            ValidAudience = server.ProjectId,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateLifetime = validateLifetime,
            LifetimeValidator = validateLifetime && server.Clock is { } clock
                ? (notBefore, expires, _, _) => notBefore <= clock.GetUtcNow().UtcDateTime && clock.GetUtcNow().UtcDateTime < expires
                : null,
        });
        Assert.True(result.IsValid, $"JWT did not verify: {result.Exception}");
        return (JsonWebToken)result.SecurityToken;
    }

    /// <summary>The JWT's payload as JSON (for claims that are objects).</summary>
    public static JsonElement Payload(string jwt) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.Clone();
}
