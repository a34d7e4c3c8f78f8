using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Attest;

/// <summary>
/// Tokens an attacker could forge or replay, each presented to attest for a real member of an organization that trusts
/// the <c>signed</c> provider. Each must fail closed: a 4xx in Stytch's envelope (never a 5xx), and not one row written.
/// Each would pass a naive implementation (one that decodes the JWT and trusts its header, reads the first or the last of
/// a repeated claim, skips a time check, or accepts any key it can find).
/// </summary>
public sealed class TrustedTokenAttackTests(TrustedProvidersServer server) : IClassFixture<TrustedProvidersServer>
{
    public static TheoryData<string> Attacks() =>
    [
        "alg none", "HS256 with the public key as secret", "wrong iss", "wrong aud", "no aud", "expired", "no exp",
        "nbf in the future", "iat older than MaxTokenAge", "iat in the future", "no iat", "unknown kid",
        "provider B's token for an organization trusting A", "provider B's key claiming A's issuer", "duplicate email claim",
        "duplicate email_verified claim", "duplicate alg in header", "no email", "email not verified", "email_verified absent",
        "email_verified string TRUE", "over 8 KB", "not a JWT", "JWE shape", "signature of another payload", "PS256 not listed",
        "attacker's key embedded in the header (jwk)", "attacker's key in the header under the provider's kid", "crit header",
    ];

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task Attack_fails_closed_with_a_4xx_and_writes_nothing(string attack)
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("signed");
        (await server.AttestAsync("signed", server.Signed.Token(email, server.Now), organizationId)).AssertOk(); // keys cached
        var rows = await server.AllRowsAsync();

        var (token, status, errorType) = Forge(attack, email);
        var call = await server.AttestAsync("signed", token, organizationId);
        call.AssertError(status, errorType);
        Assert.Equal(rows, await server.AllRowsAsync());
    }

    [Theory]
    [InlineData("wrong iss")]
    [InlineData("duplicate email claim")]
    [InlineData("expired")]
    public async Task Migrate_refuses_the_same_forgeries_without_asking_UserInfo(string attack)
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("hybrid");
        var calls = server.HybridUserInfo.Calls.Count;
        var now = server.Now;
        var claims = server.Hybrid.Claims(email, now);
        var token = attack switch
        {
            "wrong iss" => server.Signed.Sign(With(claims, c => c["iss"] = server.Hybrid.Issuer).ToJsonString()), // names B, signed by A
            "duplicate email claim" => server.Hybrid.Sign(claims.ToJsonString()[..^1] + $",\"email\":\"other-{email}\"}}"),
            _ => server.Hybrid.Sign(With(claims, c => { c["iat"] = now.AddMinutes(-30).ToUnixTimeSeconds(); c["exp"] = now.AddMinutes(-5).ToUnixTimeSeconds(); }).ToJsonString()),
        };
        var rows = await server.AllRowsAsync();
        var call = (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = token, organization_id = organizationId }))
            .AssertError(400, "invalid_trusted_auth_token");
        Assert.Equal(0, call.Cost("userinfo"));
        Assert.Equal(calls, server.HybridUserInfo.Calls.Count);
        Assert.Equal(rows, await server.AllRowsAsync());
    }

    [Fact]
    public async Task Migrate_checks_a_JWT_naming_its_providers_issuer_locally_and_sends_opaque_tokens_to_UserInfo()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("hybrid");
        var calls = server.HybridUserInfo.Calls.Count;
        (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.Hybrid.Token(email, server.Now), organization_id = organizationId })).AssertOk();
        var signed = (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.Hybrid.Token(email, server.Now), organization_id = organizationId })).AssertOk();
        AttestCosts.AssertNoCallAndOneSignature(signed);
        Assert.Equal(calls, server.HybridUserInfo.Calls.Count);
        Assert.Equal("imported", signed.Json.GetProperty("member_session").GetProperty("authentication_factors")[0].GetProperty("type").GetString());

        var opaque = (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.HybridUserInfo.IssueToken(email), organization_id = organizationId })).AssertOk();
        Assert.Equal(1, opaque.Cost("userinfo"));
        // A JWT naming another issuer is an opaque token to this provider: it goes to UserInfo, which rejects it.
        (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.Signed.Token(email, server.Now), organization_id = organizationId }))
            .AssertError(400, "migrate_from_external_unexpected_response");
    }

    [Fact]
    public async Task Migrate_through_a_provider_that_vouches_only_by_signature_refuses_an_opaque_token_without_any_call()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("signed");
        (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.Signed.Token(email, server.Now), organization_id = organizationId })).AssertOk();
        var call = (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.UserInfo.IssueToken(email), organization_id = organizationId }))
            .AssertError(400, "invalid_trusted_auth_token");
        Assert.Equal(0, call.Cost("userinfo"));
    }

    private (string Token, int Status, string ErrorType) Forge(string attack, string email)
    {
        var now = server.Now;
        var a = server.Signed;
        var claims = a.Claims(email, now);
        string Signed(Action<JsonObject> edit) => a.Sign(With(claims, edit).ToJsonString());
        const string Invalid = "invalid_trusted_auth_token";
        return attack switch
        {
            "alg none" => (a.SignRaw("""{"alg":"none","typ":"JWT"}""", claims.ToJsonString(), null), 400, Invalid),
            "HS256 with the public key as secret" => (a.SignRaw($$"""{"alg":"HS256","kid":"{{a.Current.Kid}}","typ":"JWT"}""", claims.ToJsonString(),
                input => HMACSHA256.HashData(Encoding.ASCII.GetBytes(a.PublicKeyPem), input)), 400, Invalid),
            "wrong iss" => (Signed(c => c["iss"] = "https://evil.example/"), 400, Invalid),
            "wrong aud" => (Signed(c => c["aud"] = "api://somebody-else"), 400, Invalid),
            "no aud" => (Signed(c => c.Remove("aud")), 400, Invalid),
            "expired" => (Signed(c => { c["iat"] = now.AddMinutes(-20).ToUnixTimeSeconds(); c["exp"] = now.AddMinutes(-2).ToUnixTimeSeconds(); }), 400, Invalid),
            "no exp" => (Signed(c => c.Remove("exp")), 400, Invalid),
            "nbf in the future" => (Signed(c => c["nbf"] = now.AddMinutes(5).ToUnixTimeSeconds()), 400, Invalid),
            "iat older than MaxTokenAge" => (Signed(c => { c["iat"] = now.AddHours(-2).ToUnixTimeSeconds(); c["nbf"] = now.AddHours(-2).ToUnixTimeSeconds(); }), 400, Invalid),
            "iat in the future" => (Signed(c => c["iat"] = now.AddMinutes(5).ToUnixTimeSeconds()), 400, Invalid),
            "no iat" => (Signed(c => c.Remove("iat")), 400, Invalid),
            "unknown kid" => (a.Sign(claims.ToJsonString(), kid: "kid-invented", key: RSA.Create(2048)), 400, Invalid),
            "provider B's token for an organization trusting A" => (server.Hybrid.Token(email, now), 400, Invalid),
            "provider B's key claiming A's issuer" => (server.Hybrid.Sign(claims.ToJsonString()), 400, Invalid),
            "duplicate email claim" => (a.Sign(claims.ToJsonString()[..^1] + ",\"email\":\"attacker@evil.example\"}"), 400, Invalid),
            "duplicate email_verified claim" => (a.Sign(With(claims, c => c["email_verified"] = false).ToJsonString()[..^1] + ",\"email_verified\":true}"), 400, Invalid),
            "duplicate alg in header" => (a.SignRaw($$"""{"alg":"none","alg":"RS256","kid":"{{a.Current.Kid}}"}""", claims.ToJsonString(),
                input => a.Current.Key.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)), 400, Invalid),
            "no email" => (Signed(c => c.Remove("email")), 400, "migrate_from_external_missing_userinfo"),
            "email not verified" => (Signed(c => c["email_verified"] = false), 400, "oidc_response_unverified_email"),
            "email_verified absent" => (Signed(c => c.Remove("email_verified")), 400, "oidc_response_unverified_email"),
            "email_verified string TRUE" => (Signed(c => c["email_verified"] = "TRUE"), 400, "oidc_response_unverified_email"),
            "over 8 KB" => (Signed(c => c["padding"] = new string('x', 8 * 1024)), 400, Invalid),
            "not a JWT" => ("definitely-not-a-jwt", 400, Invalid),
            "JWE shape" => (string.Join('.', Enumerable.Repeat(FakeTrustedProvider.Encode("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}"), 5)), 400, Invalid),
            "signature of another payload" => (string.Join('.', a.Token(email, now).Split('.')[..2]) + "." +
                a.Token("attacker@evil.example", now).Split('.')[2], 400, Invalid),
            "PS256 not listed" => (a.Sign(claims.ToJsonString(), alg: "PS256"), 400, Invalid),
            "attacker's key embedded in the header (jwk)" or "attacker's key in the header under the provider's kid" => Embedded(attack.EndsWith("kid", StringComparison.Ordinal) ? a.Current.Kid : "attacker", claims),
            "crit header" => (a.SignRaw($$"""{"alg":"RS256","kid":"{{a.Current.Kid}}","crit":["exp"]}""", claims.ToJsonString(),
                input => a.Current.Key.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)), 400, Invalid),
            _ => throw new ArgumentOutOfRangeException(nameof(attack)),
        };
    }

    /// <summary>A token signed by the attacker's own key, which the header carries as a JWK (RFC 7515 §4.1.3).</summary>
    private (string, int, string) Embedded(string kid, JsonObject claims)
    {
        using var attacker = RSA.Create(2048);
        var p = attacker.ExportParameters(false);
        var header = new JsonObject
        {
            ["alg"] = "RS256", ["kid"] = kid,
            ["jwk"] = new JsonObject { ["kty"] = "RSA", ["kid"] = kid, ["n"] = System.Buffers.Text.Base64Url.EncodeToString(p.Modulus), ["e"] = System.Buffers.Text.Base64Url.EncodeToString(p.Exponent) },
        };
        return (server.Signed.SignRaw(header.ToJsonString(), claims.ToJsonString(), input => attacker.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)),
            400, "invalid_trusted_auth_token");
    }

    private static JsonObject With(JsonObject claims, Action<JsonObject> edit)
    {
        var copy = claims.DeepClone().AsObject();
        edit(copy);
        return copy;
    }
}
