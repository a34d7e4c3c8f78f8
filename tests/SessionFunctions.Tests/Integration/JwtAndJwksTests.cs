using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

public sealed class JwtAndJwksTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_session_jwt_verifies_against_the_served_jwks()
    {
        var (organizationId, memberId, call) = await server.NewSessionAsync();

        var jwt = await Jwts.VerifyAgainstJwksAsync(server, call.Str("session_jwt"));

        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal("JWT", jwt.Typ);
        Assert.StartsWith("jwk-test-", jwt.Kid);
        Assert.Equal(memberId, jwt.Subject);
        Assert.Equal($"stytch.com/{server.ProjectId}", jwt.Issuer);
        Assert.Equal([server.ProjectId], jwt.Audiences);
        var payload = Jwts.Payload(call.Str("session_jwt"));
        Assert.Equal(System.Text.Json.JsonValueKind.Array, payload.GetProperty("aud").ValueKind);
        var iat = payload.GetProperty("iat").GetInt64();
        Assert.Equal(iat, payload.GetProperty("nbf").GetInt64());
        Assert.Equal(iat + 300, payload.GetProperty("exp").GetInt64());
        var org = payload.GetProperty("https://stytch.com/organization");
        Assert.Equal(organizationId, org.GetProperty("organization_id").GetString());
        Assert.Equal(call.Json.GetProperty("organization").GetProperty("organization_slug").GetString(), org.GetProperty("slug").GetString());
    }

    [Fact]
    public async Task The_session_claim_mirrors_the_member_session()
    {
        var (_, _, call) = await server.NewSessionAsync();
        var session = call.Json.GetProperty("member_session");

        var claim = Jwts.Payload(call.Str("session_jwt")).GetProperty("https://stytch.com/session");

        Assert.Equal(session.GetProperty("member_session_id").GetString(), claim.GetProperty("id").GetString());
        foreach (var t in new[] { "started_at", "last_accessed_at", "expires_at" })
            Assert.Equal(session.GetProperty(t).GetString(), claim.GetProperty(t).GetString());
        Assert.Equal(session.GetProperty("roles").ToString(), claim.GetProperty("roles").ToString());
        Assert.Equal(session.GetProperty("authentication_factors").ToString(), claim.GetProperty("authentication_factors").ToString());
        Assert.Equal("", claim.GetProperty("attributes").GetProperty("ip_address").GetString());
    }

    [Fact]
    public async Task The_jwks_needs_no_credentials_and_has_every_field_stytch_serves()
    {
        var call = (await server.GetAsync($"/v1/b2b/sessions/jwks/{server.ProjectId}", server.Anonymous)).AssertOk();

        var key = Assert.Single(call.Json.GetProperty("keys").EnumerateArray());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
        Assert.Equal(["verify"], key.GetProperty("key_ops").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("AQAB", key.GetProperty("e").GetString());
        Assert.Equal(342, key.GetProperty("n").GetString()!.Length); // 2048-bit modulus, base64url
        var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(
            Convert.FromBase64String(Assert.Single(key.GetProperty("x5c").EnumerateArray()).GetString()!));
        Assert.Equal(System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(certificate.RawData)), key.GetProperty("x5tS256").GetString());
        Assert.Equal(key.GetProperty("n").GetString(), System.Buffers.Text.Base64Url.EncodeToString(certificate.GetRSAPublicKey()!.ExportParameters(false).Modulus));
    }

    [Fact]
    public async Task The_jwks_also_accepts_basic_credentials() =>
        (await server.GetAsync($"/v1/b2b/sessions/jwks/{server.ProjectId}")).AssertOk();

    [Fact]
    public async Task Another_projects_jwks_is_not_found() =>
        (await server.GetAsync("/v1/b2b/sessions/jwks/project-test-someone-else", server.Anonymous)).AssertError(404, "project_not_found");

    [Fact]
    public async Task The_jwks_is_served_from_memory()
    {
        var call = (await server.GetAsync($"/v1/b2b/sessions/jwks/{server.ProjectId}")).AssertOk();
        Assert.Equal("tables=0;userinfo=0;signatures=0;keys=0", call.Headers.GetValues("X-Request-Cost").Single());
    }

    // ---- session JWTs the server receives: signed by its real key, so only the claim under test can fail ---------

    private Task<ApiCall> AuthenticateAsync(object body) => server.PostAsync("/v1/b2b/sessions/authenticate", body);

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Fact]
    public async Task A_jwt_for_another_audience_is_refused()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var jwt = await Jwts.ResignAsync(server, migrated.Str("session_jwt"), p => p["aud"] = new JsonArray("project-test-someone-else"));

        (await AuthenticateAsync(new { session_jwt = jwt })).AssertError(400, "jwt_invalid_audience");
    }

    [Fact]
    public async Task A_jwt_from_another_issuer_is_refused()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var jwt = await Jwts.ResignAsync(server, migrated.Str("session_jwt"), p => p["iss"] = "stytch.com/project-test-someone-else");

        (await AuthenticateAsync(new { session_jwt = jwt })).AssertError(400, "jwt_invalid_issuer");
    }

    [Fact]
    public async Task The_real_key_signs_jwts_the_server_accepts() // the control for the tests above and below
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var jwt = await Jwts.ResignAsync(server, migrated.Str("session_jwt"), p => p["extra"] = "re-signed");

        (await AuthenticateAsync(new { session_jwt = jwt })).AssertOk();
    }

    [Theory]
    [InlineData("no exp")]
    [InlineData("no iat")]
    [InlineData("no nbf")]
    [InlineData("exp as a string")]
    [InlineData("iat as a string")]
    [InlineData("nbf as a string")]
    [InlineData("exp null")]
    [InlineData("exp not an integer")]
    [InlineData("exp beyond year 9999")]
    [InlineData("iat negative")]
    [InlineData("nbf an hour ahead")]
    [InlineData("iat an hour ahead")]
    [InlineData("exp before iat")]
    [InlineData("exp equal to iat")]
    [InlineData("nbf after exp")]
    public async Task A_jwt_without_sane_times_is_refused_by_authenticate_and_revoke(string flaw)
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var jwt = await Jwts.ResignAsync(server, migrated.Str("session_jwt"), p => Spoil(p, flaw));

        (await AuthenticateAsync(new { session_jwt = jwt })).AssertError(400, "unable_to_parse_session_jwt");
        (await server.PostAsync("/v1/b2b/sessions/revoke", new { session_jwt = jwt })).AssertError(400, "unable_to_parse_session_jwt");
        (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertOk(); // the session lives on
    }

    private static void Spoil(JsonObject p, string flaw)
    {
        var iat = p["iat"]!.GetValue<long>();
        switch (flaw)
        {
            case "no exp": p.Remove("exp"); break;
            case "no iat": p.Remove("iat"); break;
            case "no nbf": p.Remove("nbf"); break;
            case "exp as a string": p["exp"] = (iat + 300).ToString(); break;
            case "iat as a string": p["iat"] = iat.ToString(); break;
            case "nbf as a string": p["nbf"] = iat.ToString(); break;
            case "exp null": p["exp"] = null; break;
            case "exp not an integer": p["exp"] = iat + 300.5; break;
            case "exp beyond year 9999": p["exp"] = 253402300800L * 10; break;
            case "iat negative": p["iat"] = -1; p["nbf"] = -1; break;
            case "nbf an hour ahead": p["nbf"] = Now + 3600; p["exp"] = Now + 3900; break;
            case "iat an hour ahead": p["iat"] = Now + 3600; p["nbf"] = iat; p["exp"] = Now + 3900; break;
            case "exp before iat": p["exp"] = iat - 1; break;
            case "exp equal to iat": p["exp"] = iat; break;
            case "nbf after exp": p["nbf"] = iat + 301; break;
            default: throw new ArgumentException(flaw);
        }
    }

    [Fact]
    public async Task Times_a_few_seconds_ahead_are_tolerated_as_clock_skew()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var jwt = await Jwts.ResignAsync(server, migrated.Str("session_jwt"), p => { p["iat"] = Now + 10; p["nbf"] = Now + 10; p["exp"] = Now + 310; });

        (await AuthenticateAsync(new { session_jwt = jwt })).AssertOk();
    }

    // Decided and documented in README ("Differences from Stytch"): as with Stytch, an expired JWT of a live session
    // is as good as its session_token, so it may extend the session and rewrite its custom claims.
    [Fact]
    public async Task An_expired_jwt_of_a_live_session_authenticates_extends_it_and_rewrites_its_claims()
    {
        var (_, _, migrated) = await server.NewSessionAsync(durationMinutes: 60);
        var expired = await Jwts.ResignAsync(server, migrated.Str("session_jwt"), p => { p["iat"] = Now - 3600; p["nbf"] = Now - 3600; p["exp"] = Now - 3300; });
        var before = DateTimeOffset.Parse(migrated.Json.GetProperty("member_session").GetProperty("expires_at").GetString()!);

        var call = (await AuthenticateAsync(new { session_jwt = expired, session_duration_minutes = 600, session_custom_claims = new { plan = "pro" } })).AssertOk();

        var session = call.Json.GetProperty("member_session");
        Assert.True(DateTimeOffset.Parse(session.GetProperty("expires_at").GetString()!) > before.AddMinutes(500));
        Assert.Equal("pro", session.GetProperty("custom_claims").GetProperty("plan").GetString());
        var fresh = Jwts.Payload(call.Str("session_jwt"));
        Assert.True(fresh.GetProperty("exp").GetInt64() > Now);
        Assert.Equal("pro", fresh.GetProperty("plan").GetString());
    }
}
