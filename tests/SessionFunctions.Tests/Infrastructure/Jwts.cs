using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionFunctions.Core.Signing;

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

    /// <summary>
    /// <paramref name="payload"/> under <paramref name="header"/> (default: the server's own RS256 header), signed with
    /// the server's real current key (the fixture's local PEM, or its vault), exactly as the server signs.
    /// </summary>
    public static async Task<string> SignAsync(ServerFixture server, string payload, string? header = null)
    {
        var kid = (await server.Service<SigningKeyRing>().GetAsync(CancellationToken.None)).Current.KeyId;
        header ??= $$"""{"alg":"RS256","kid":"{{kid}}","typ":"JWT"}""";
        var input = Encode(header) + "." + Encode(payload);
        var signature = await server.Service<ISigningKeyStore>().SignDigestAsync(kid, SHA256.HashData(Encoding.ASCII.GetBytes(input)), CancellationToken.None);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>A real session JWT with its payload changed by <paramref name="edit"/>, re-signed with the server's key.</summary>
    public static Task<string> ResignAsync(ServerFixture server, string jwt, Action<JsonObject> edit)
    {
        var payload = JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]))!.AsObject();
        edit(payload);
        return SignAsync(server, payload.ToJsonString(), Encoding.UTF8.GetString(Base64Url.DecodeFromChars(jwt.Split('.')[0])));
    }

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
