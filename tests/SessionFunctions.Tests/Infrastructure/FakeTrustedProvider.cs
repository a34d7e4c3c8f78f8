using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>
/// A legacy provider that signs its own tokens (an Auth0 tenant, an Okta org), served by Kestrel on loopback: its OpenID
/// Connect discovery document (<see cref="MetadataUrl"/>) and its JWKS (<see cref="JwksUrl"/>), each fetch counted. It
/// holds real RSA-2048 keys (and one ECDSA P-256 key), rotates on request, can be made to fail, and signs tokens exactly
/// as written (raw header and payload), so tests can also sign what no honest provider would.
/// </summary>
public sealed class FakeTrustedProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(string Kid, RSA Key)> _published = [];
    private int _jwksFetches, _metadataFetches;

    private FakeTrustedProvider(WebApplication app, string audience)
    {
        _app = app;
        Audience = audience;
        Rotate();
    }

    public string BaseUrl { get; private set; } = "";
    public string Issuer => BaseUrl + "/";
    public string Audience { get; }
    public string JwksUrl => BaseUrl + "/.well-known/jwks.json";
    public string MetadataUrl => BaseUrl + "/.well-known/openid-configuration";
    public int JwksFetches => Volatile.Read(ref _jwksFetches);
    public int MetadataFetches => Volatile.Read(ref _metadataFetches);

    /// <summary>Answer every fetch with 503 (an outage).</summary>
    public bool Failing { get; set; }

    /// <summary>The key it signs with now.</summary>
    public (string Kid, RSA Key) Current => _published[^1];

    /// <summary>Tokens it handed out: secrets that must never reach a log.</summary>
    public List<string> Issued { get; } = [];

    public static async Task<FakeTrustedProvider> StartAsync(string audience = "api://sessions")
    {
        var app = LoopbackServer.Create();
        var provider = new FakeTrustedProvider(app, audience);
        app.MapGet("/.well-known/openid-configuration", provider.MetadataAsync);
        app.MapGet("/.well-known/jwks.json", provider.JwksAsync);
        provider.BaseUrl = await LoopbackServer.StartAsync(app);
        return provider;
    }

    /// <summary>Publishes a new RSA key (the old ones stay published) and signs with it from now on.</summary>
    public string Rotate()
    {
        var kid = "kid-" + Guid.NewGuid().ToString("N")[..12];
        _published.Add((kid, RSA.Create(2048)));
        return kid;
    }

    /// <summary>The public key in PEM, for <c>SigningKeyPath</c>.</summary>
    public string PublicKeyPem => Current.Key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The claims of an honest token for <paramref name="email"/>, issued at <paramref name="now"/>.</summary>
    public JsonObject Claims(string email, DateTimeOffset now, bool? emailVerified = true)
    {
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = "legacy|" + Guid.NewGuid().ToString("N")[..10],
            ["email"] = email,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (emailVerified is { } v) claims["email_verified"] = v;
        return claims;
    }

    /// <summary>An honest RS256 token for <paramref name="email"/>, its claims changed by <paramref name="edit"/>.</summary>
    public string Token(string email, DateTimeOffset now, Action<JsonObject>? edit = null, bool? emailVerified = true)
    {
        var claims = Claims(email, now, emailVerified);
        edit?.Invoke(claims);
        return Sign(claims.ToJsonString());
    }

    /// <summary>Signs <paramref name="payload"/> exactly as written with the current RSA key (RS256 or PS256).</summary>
    public string Sign(string payload, string alg = "RS256", string? kid = null, RSA? key = null)
    {
        var input = Encode($$"""{"alg":"{{alg}}","kid":"{{kid ?? Current.Kid}}","typ":"JWT"}""") + "." + Encode(payload);
        var padding = alg == "PS256" ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        var signature = (key ?? Current.Key).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, padding);
        return Remember(input + "." + Base64Url.EncodeToString(signature));
    }

    /// <summary>Signs <paramref name="payload"/> under <paramref name="header"/> with an arbitrary signer (or none).</summary>
    public string SignRaw(string header, string payload, Func<byte[], byte[]>? signer)
    {
        var input = Encode(header) + "." + Encode(payload);
        return Remember(input + "." + (signer is null ? "" : Base64Url.EncodeToString(signer(Encoding.ASCII.GetBytes(input)))));
    }

    public static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private string Remember(string token)
    {
        lock (Issued) Issued.Add(token);
        return token;
    }

    private async Task MetadataAsync(HttpContext context)
    {
        Interlocked.Increment(ref _metadataFetches);
        if (Failing) { context.Response.StatusCode = 503; return; }
        await context.Response.WriteAsJsonAsync(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = JwksUrl,
            ["authorization_endpoint"] = BaseUrl + "/authorize",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        });
    }

    private async Task JwksAsync(HttpContext context)
    {
        Interlocked.Increment(ref _jwksFetches);
        if (Failing) { context.Response.StatusCode = 503; return; }
        var keys = _published.ToList().Select(p =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(p.Key.ExportParameters(false)) { KeyId = p.Kid });
            return new Dictionary<string, string> { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = p.Kid, ["n"] = jwk.N, ["e"] = jwk.E };
        });
        await context.Response.WriteAsJsonAsync(new { keys });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var (_, key) in _published) key.Dispose();
    }
}
