using System.Text.Json.Serialization;

namespace SessionFunctions.Core.Model;

/// <summary>A public key as Stytch's JWKS endpoint serves it. Note the key name <c>x5tS256</c>, not <c>x5t#S256</c>.</summary>
public sealed record Jwk
{
    public string Kty { get; init; } = "RSA";
    public string Use { get; init; } = "sig";
    public IReadOnlyList<string> KeyOps { get; init; } = ["verify"];
    public string Alg { get; init; } = "RS256";
    public required string Kid { get; init; }
    public required IReadOnlyList<string> X5c { get; init; }
    [JsonPropertyName("x5tS256")] public required string X5tS256 { get; init; }
    public required string N { get; init; }
    public required string E { get; init; }
}
