using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;

namespace SessionFunctions.Tests.Unit;

public sealed class SessionJwtTests : IDisposable
{
    private static readonly string ProjectId = "project-test-" + Guid.NewGuid();
    private static readonly IdFormat Ids = new(ProjectId);
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly List<IDisposable> _disposables = [];

    public void Dispose()
    {
        foreach (var d in _disposables) d.Dispose();
        _temp.Dispose();
    }

    /// <summary>A key store, key ring, issuer and reader sharing one key file.</summary>
    private sealed record Signer(LocalPemKeyStore Store, SigningKeyRing Ring, SessionJwtIssuer Issuer, SessionJwtReader Reader, SessionsOptions Options);

    private Signer NewSigner(string keyFile = "signing-key.pem", string projectId = "", string? issuer = null)
    {
        var options = new SessionsOptions { ProjectId = projectId == "" ? ProjectId : projectId, Issuer = issuer };
        var store = new LocalPemKeyStore(Microsoft.Extensions.Options.Options.Create(new SigningOptions { LocalKeyPath = _temp.File(keyFile) }), Ids);
        _disposables.Add(store);
        var ring = new SigningKeyRing(store, Microsoft.Extensions.Options.Options.Create(new SigningOptions()), _clock, NullLogger<SigningKeyRing>.Instance);
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        return new Signer(store, ring, new SessionJwtIssuer(ring, store, wrapped), new SessionJwtReader(ring, wrapped, _clock), options);
    }

    private static readonly Guid OrganizationKey = Guid.NewGuid();

    private static MemberSession Session(DateTimeOffset now, JsonObject? customClaims = null) => new()
    {
        MemberSessionId = Ids.Session(OrganizationKey, Guid.NewGuid()),
        MemberId = Ids.Member(OrganizationKey, Guid.NewGuid()),
        OrganizationId = Ids.Organization(OrganizationKey),
        OrganizationSlug = "acme",
        StartedAt = now,
        LastAccessedAt = now,
        ExpiresAt = now.AddHours(1),
        AuthenticationFactors = [AuthenticationFactor.Imported(now, Ids.NewEmailId(), "ada@example.com")],
        Roles = ["stytch_member"],
        CustomClaims = customClaims ?? [],
    };

    private static JsonElement Segment(string jwt, int index) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[index])).RootElement.Clone();

    private static string Encode(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    /// <summary>A JWT with this header and payload, signed RS256 by <paramref name="store"/>'s key.</summary>
    private static async Task<string> SignAsync(LocalPemKeyStore store, string header, string payload)
    {
        var kid = (await store.GetPublicKeysAsync(CancellationToken.None))[0].KeyId;
        var input = Encode(header) + "." + Encode(payload);
        var signature = await store.SignDigestAsync(kid, SHA256.HashData(Encoding.ASCII.GetBytes(input)), CancellationToken.None);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    private static async Task<string> KidAsync(Signer signer) => (await signer.Store.GetPublicKeysAsync(CancellationToken.None))[0].KeyId;

    [Fact]
    public async Task The_jwt_verifies_with_microsoft_identitymodel_against_the_public_key()
    {
        var signer = NewSigner();
        var now = DateTimeOffset.UtcNow;
        var key = (await signer.Store.GetPublicKeysAsync(CancellationToken.None))[0];

        var jwt = await signer.Issuer.IssueAsync(Session(now), now, CancellationToken.None);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = new RsaSecurityKey(key.Parameters) { KeyId = key.KeyId },
            ValidIssuer = "stytch.com/" + ProjectId,
            ValidAudience = ProjectId,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            TryAllIssuerSigningKeys = false,
        });
        Assert.True(result.IsValid, result.Exception?.ToString());
    }

    [Fact]
    public async Task The_header_is_alg_kid_typ_in_stytchs_order()
    {
        var signer = NewSigner();
        var now = DateTimeOffset.UtcNow;

        var jwt = await signer.Issuer.IssueAsync(Session(now), now, CancellationToken.None);

        Assert.Equal($$"""{"alg":"RS256","kid":"{{await KidAsync(signer)}}","typ":"JWT"}""", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(jwt.Split('.')[0])));
    }

    [Fact]
    public async Task The_registered_claims_follow_stytch()
    {
        var signer = NewSigner();
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero).AddMilliseconds(700);
        var session = Session(now);

        var payload = Segment(await signer.Issuer.IssueAsync(session, now, CancellationToken.None), 1);

        Assert.Equal("stytch.com/" + ProjectId, payload.GetProperty("iss").GetString());
        Assert.Equal(JsonValueKind.Array, payload.GetProperty("aud").ValueKind);
        Assert.Equal([ProjectId], payload.GetProperty("aud").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(session.MemberId, payload.GetProperty("sub").GetString());
        Assert.Equal(now.ToUnixTimeSeconds(), payload.GetProperty("iat").GetInt64());
        Assert.Equal(now.ToUnixTimeSeconds(), payload.GetProperty("nbf").GetInt64());
        Assert.Equal(now.ToUnixTimeSeconds() + 300, payload.GetProperty("exp").GetInt64());
        Assert.False(payload.TryGetProperty("jti", out _));
    }

    [Fact]
    public async Task A_configured_issuer_replaces_the_default()
    {
        var signer = NewSigner(issuer: "https://auth.example.com");
        var now = DateTimeOffset.UtcNow;

        var payload = Segment(await signer.Issuer.IssueAsync(Session(now), now, CancellationToken.None), 1);

        Assert.Equal("https://auth.example.com", payload.GetProperty("iss").GetString());
    }

    [Fact]
    public async Task The_session_and_organization_claims_describe_the_session()
    {
        var signer = NewSigner();
        var now = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var session = Session(now);

        var payload = Segment(await signer.Issuer.IssueAsync(session, now, CancellationToken.None), 1);

        var organization = payload.GetProperty("https://stytch.com/organization");
        Assert.Equal(session.OrganizationId, organization.GetProperty("organization_id").GetString());
        Assert.Equal("acme", organization.GetProperty("slug").GetString());
        var claim = payload.GetProperty("https://stytch.com/session");
        Assert.Equal(session.MemberSessionId, claim.GetProperty("id").GetString());
        Assert.Equal("2025-06-01T12:00:00Z", claim.GetProperty("started_at").GetString());
        Assert.Equal("2025-06-01T12:00:00Z", claim.GetProperty("last_accessed_at").GetString());
        Assert.Equal("2025-06-01T13:00:00Z", claim.GetProperty("expires_at").GetString());
        Assert.Equal("", claim.GetProperty("attributes").GetProperty("ip_address").GetString());
        Assert.Equal("", claim.GetProperty("attributes").GetProperty("user_agent").GetString());
        Assert.Equal(["stytch_member"], claim.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var factor = Assert.Single(claim.GetProperty("authentication_factors").EnumerateArray());
        Assert.Equal("imported", factor.GetProperty("type").GetString());
        Assert.Equal("imported_auth0", factor.GetProperty("delivery_method").GetString());
        Assert.Equal("ada@example.com", factor.GetProperty("email_factor").GetProperty("email_address").GetString());
    }

    [Fact]
    public async Task Custom_claims_are_at_the_top_level()
    {
        var signer = NewSigner();
        var now = DateTimeOffset.UtcNow;
        var claims = new JsonObject { ["plan"] = "pro", ["nested"] = new JsonObject { ["a"] = 1, ["list"] = new JsonArray(1, 2) }, ["email"] = "ada+x@example.com" };

        var payload = Segment(await signer.Issuer.IssueAsync(Session(now, claims), now, CancellationToken.None), 1);

        Assert.Equal("pro", payload.GetProperty("plan").GetString());
        Assert.Equal("""{"a":1,"list":[1,2]}""", payload.GetProperty("nested").GetRawText());
        Assert.Equal("ada+x@example.com", payload.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Issuing_counts_one_signature()
    {
        var signer = NewSigner();
        var now = DateTimeOffset.UtcNow;
        await signer.Ring.RefreshAsync(CancellationToken.None);
        var costs = RequestCosts.Begin();

        await signer.Issuer.IssueAsync(Session(now), now, CancellationToken.None);

        Assert.Equal(1, costs.Signatures);
    }

    [Fact]
    public async Task The_reader_returns_the_member_session_and_organization()
    {
        var signer = NewSigner();
        var now = DateTimeOffset.UtcNow;
        var session = Session(now);

        var claims = await signer.Reader.ReadAsync(await signer.Issuer.IssueAsync(session, now, CancellationToken.None), CancellationToken.None);

        Assert.Equal(new SessionJwtClaims(session.MemberId, session.MemberSessionId, session.OrganizationId), claims);
    }

    [Fact]
    public async Task The_reader_accepts_an_expired_jwt()
    {
        var signer = NewSigner();
        var longAgo = DateTimeOffset.UtcNow.AddDays(-30);
        var session = Session(longAgo);

        var claims = await signer.Reader.ReadAsync(await signer.Issuer.IssueAsync(session, longAgo, CancellationToken.None), CancellationToken.None);

        Assert.Equal(session.MemberSessionId, claims.MemberSessionId);
    }

    [Fact]
    public async Task The_reader_refuses_a_jwt_signed_by_another_key_as_session_not_found()
    {
        var signer = NewSigner("a.pem");
        var other = NewSigner("b.pem");
        var now = DateTimeOffset.UtcNow;

        var jwt = await other.Issuer.IssueAsync(Session(now), now, CancellationToken.None);

        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(jwt, CancellationToken.None));
        Assert.Equal("session_not_found", e.Type.Value);
    }

    [Fact]
    public async Task The_reader_refuses_our_kid_with_another_keys_signature_as_session_not_found()
    {
        var signer = NewSigner();
        var now = DateTimeOffset.UtcNow;
        var parts = (await signer.Issuer.IssueAsync(Session(now), now, CancellationToken.None)).Split('.');
        using var forger = RSA.Create(2048);
        var forged = parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(
            forger.SignData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(forged, CancellationToken.None));
        Assert.Equal("session_not_found", e.Type.Value);
    }

    [Fact]
    public async Task The_reader_refuses_a_tampered_payload_as_session_not_found()
    {
        var signer = NewSigner();
        var now = DateTimeOffset.UtcNow;
        var parts = (await signer.Issuer.IssueAsync(Session(now), now, CancellationToken.None)).Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1]));
        var tampered = parts[0] + "." + Encode(payload.Replace("stytch_member", "stytch_admin", StringComparison.Ordinal)) + "." + parts[2];

        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(tampered, CancellationToken.None));
        Assert.Equal("session_not_found", e.Type.Value);
    }

    [Fact]
    public async Task The_reader_refuses_another_issuer()
    {
        var signer = NewSigner();
        var impostor = NewSigner(issuer: "stytch.com/project-test-someone-else");
        var now = DateTimeOffset.UtcNow;

        var jwt = await impostor.Issuer.IssueAsync(Session(now), now, CancellationToken.None);

        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(jwt, CancellationToken.None));
        Assert.Equal("jwt_invalid_issuer", e.Type.Value);
    }

    [Fact]
    public async Task The_reader_refuses_another_audience()
    {
        const string otherProject = "project-test-someone-else";
        var signer = NewSigner();
        var impostor = NewSigner(projectId: otherProject, issuer: "stytch.com/" + ProjectId);
        var now = DateTimeOffset.UtcNow;

        var jwt = await impostor.Issuer.IssueAsync(Session(now), now, CancellationToken.None);

        Assert.Equal([otherProject], Segment(jwt, 1).GetProperty("aud").EnumerateArray().Select(a => a.GetString()));
        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(jwt, CancellationToken.None));
        Assert.Equal("jwt_invalid_audience", e.Type.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("a.b")]
    [InlineData("....")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.not-base64!.sig")]
    public async Task The_reader_refuses_garbage_as_unparseable(string jwt)
    {
        var e = await Assert.ThrowsAsync<SessionException>(() => NewSigner().Reader.ReadAsync(jwt, CancellationToken.None));

        Assert.Equal("unable_to_parse_session_jwt", e.Type.Value);
    }

    [Fact]
    public async Task The_reader_refuses_a_jwt_without_a_kid_as_session_not_found()
    {
        var signer = NewSigner();
        var jwt = await SignAsync(signer.Store, """{"alg":"RS256","typ":"JWT"}""",
            $$"""{"sub":"m","iss":"stytch.com/{{ProjectId}}","aud":["{{ProjectId}}"],"exp":4102444800}""");

        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(jwt, CancellationToken.None));
        Assert.Equal("session_not_found", e.Type.Value);
    }

    [Fact]
    public async Task The_reader_refuses_an_unsigned_jwt()
    {
        var signer = NewSigner();
        var now = DateTimeOffset.UtcNow;
        var parts = (await signer.Issuer.IssueAsync(Session(now), now, CancellationToken.None)).Split('.');
        var unsigned = Encode($$"""{"alg":"none","kid":"{{await KidAsync(signer)}}","typ":"JWT"}""") + "." + parts[1] + ".";

        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(unsigned, CancellationToken.None));
        Assert.Equal("session_not_found", e.Type.Value);
    }

    [Fact]
    public async Task The_reader_refuses_an_hmac_jwt_keyed_with_the_public_key()
    {
        var signer = NewSigner();
        var now = DateTimeOffset.UtcNow;
        var parts = (await signer.Issuer.IssueAsync(Session(now), now, CancellationToken.None)).Split('.');
        var input = Encode($$"""{"alg":"HS256","kid":"{{await KidAsync(signer)}}","typ":"JWT"}""") + "." + parts[1];
        var publicKey = (await signer.Store.GetPublicKeysAsync(CancellationToken.None))[0].Parameters.Modulus!;
        var confused = input + "." + Base64Url.EncodeToString(HMACSHA256.HashData(publicKey, Encoding.ASCII.GetBytes(input)));

        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(confused, CancellationToken.None));
        Assert.Equal("session_not_found", e.Type.Value);
    }

    [Fact]
    public async Task A_validly_signed_jwt_without_the_session_claim_is_unparseable()
    {
        var signer = NewSigner();
        var jwt = await SignAsync(signer.Store, $$"""{"alg":"RS256","kid":"{{await KidAsync(signer)}}","typ":"JWT"}""",
            $$"""{"sub":"m","iss":"stytch.com/{{ProjectId}}","aud":["{{ProjectId}}"],"exp":4102444800}""");

        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(jwt, CancellationToken.None));
        Assert.Equal("unable_to_parse_session_jwt", e.Type.Value);
    }

    [Fact]
    public async Task A_validly_signed_jwt_whose_sub_is_not_a_string_is_unparseable()
    {
        var signer = NewSigner();
        var jwt = await SignAsync(signer.Store, $$"""{"alg":"RS256","kid":"{{await KidAsync(signer)}}","typ":"JWT"}""",
            $$$"""{"sub":42,"iss":"stytch.com/{{{ProjectId}}}","aud":["{{{ProjectId}}}"],"exp":4102444800,"https://stytch.com/session":{"id":"s"},"https://stytch.com/organization":{"organization_id":"o"}}""");

        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(jwt, CancellationToken.None));
        Assert.Equal("unable_to_parse_session_jwt", e.Type.Value);
    }

    [Theory]
    [InlineData(-3600, true)]
    [InlineData(0, true)]
    [InlineData(60, true)]
    [InlineData(61, false)]
    [InlineData(86400, false)]
    public async Task The_reader_allows_iat_and_nbf_ahead_of_its_clock_by_one_minute_and_no_more(int secondsAhead, bool accepted)
    {
        var signer = NewSigner();
        var issuedAt = _clock.GetUtcNow().AddSeconds(secondsAhead);
        var session = Session(issuedAt);

        var read = signer.Reader.ReadAsync(await signer.Issuer.IssueAsync(session, issuedAt, CancellationToken.None), CancellationToken.None);

        if (accepted) Assert.Equal(session.MemberSessionId, (await read).MemberSessionId);
        else Assert.Equal("unable_to_parse_session_jwt", (await Assert.ThrowsAsync<SessionException>(() => read)).Type.Value);
    }

    [Fact]
    public async Task A_validly_signed_jwt_without_iat_and_nbf_is_unparseable()
    {
        var signer = NewSigner();
        var now = _clock.GetUtcNow();
        var payload = Segment(await signer.Issuer.IssueAsync(Session(now), now, CancellationToken.None), 1).GetRawText();
        var node = JsonNode.Parse(payload)!.AsObject();
        node.Remove("iat");
        node.Remove("nbf");
        var jwt = await SignAsync(signer.Store, $$"""{"alg":"RS256","kid":"{{await KidAsync(signer)}}","typ":"JWT"}""", node.ToJsonString());

        var e = await Assert.ThrowsAsync<SessionException>(() => signer.Reader.ReadAsync(jwt, CancellationToken.None));
        Assert.Equal("unable_to_parse_session_jwt", e.Type.Value);
    }
}
