using System.Security.Cryptography.X509Certificates;
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
        Assert.Equal("tables=0;userinfo=0;signatures=0", call.Headers.GetValues("X-Request-Cost").Single());
    }
}
