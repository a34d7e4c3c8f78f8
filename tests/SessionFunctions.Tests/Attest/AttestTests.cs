using System.Text.Json;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Attest;

/// <summary>
/// <c>POST /v1/b2b/sessions/attest</c> over real HTTP, with providers that sign real RSA and ECDSA tokens and publish
/// their keys on loopback (JWKS, discovery, PEM).
/// </summary>
public sealed class AttestTests(TrustedProvidersServer server) : IClassFixture<TrustedProvidersServer>
{
    [Fact]
    public async Task Attest_creates_a_session_with_the_trusted_auth_token_factor_and_calls_nobody_once_the_keys_are_cached()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("signed");
        var first = (await server.AttestAsync("signed", server.Signed.Token(email, server.Now), organizationId)).AssertOk();
        Assert.Equal(0, first.Cost("userinfo"));

        var token = server.Signed.Token(email, server.Now);
        var jti = Jwts.Payload(token).GetProperty("jti").GetString();
        var second = (await server.AttestAsync("signed", token, organizationId, new { session_duration_minutes = 120 })).AssertOk();
        AttestCosts.AssertNoCallAndOneSignature(second);

        var session = second.Json.GetProperty("member_session");
        var factor = Assert.Single(session.GetProperty("authentication_factors").EnumerateArray());
        Assert.Equal("trusted_auth_token", factor.GetProperty("type").GetString());
        Assert.Equal("trusted_token_exchange", factor.GetProperty("delivery_method").GetString());
        Assert.Equal(jti, factor.GetProperty("trusted_auth_token_factor").GetProperty("token_id").GetString());
        Assert.Equal(email, second.Json.GetProperty("member").GetProperty("email_address").GetString());
        Assert.Equal(second.Str("member_id"), session.GetProperty("member_id").GetString());
        Assert.Equal(TimeSpan.FromMinutes(120), session.GetProperty("expires_at").GetDateTimeOffset() - session.GetProperty("started_at").GetDateTimeOffset());
        await Jwts.VerifyAgainstJwksAsync(server, second.Str("session_jwt"));
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = second.Str("session_token") })).AssertOk();
    }

    [Fact]
    public async Task Keys_come_from_the_discovery_document_once_and_a_custom_profile_id_names_the_provider()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("hybrid");
        var userInfoCalls = server.HybridUserInfo.Calls.Count;
        (await server.AttestAsync("hybrid", server.Hybrid.Token(email, server.Now), organizationId))
            .AssertError(400, "trusted_auth_token_profile_not_found");
        for (var i = 0; i < 3; i++)
            (await server.AttestAsync("hybrid-profile", server.Hybrid.Token(email, server.Now), organizationId)).AssertOk();
        Assert.Equal(1, server.Hybrid.MetadataFetches);
        Assert.Equal(1, server.Hybrid.JwksFetches);
        Assert.Equal(userInfoCalls, server.HybridUserInfo.Calls.Count);
    }

    [Fact]
    public async Task A_provider_may_sign_with_an_ECDSA_key_given_as_a_PEM_file()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("pem");
        var call = (await server.AttestAsync("pem", server.PemToken(email), organizationId)).AssertOk();
        AttestCosts.AssertNoCallAndOneSignature(call);
    }

    [Fact]
    public async Task A_profile_that_is_not_the_organizations_own_provider_is_refused_before_the_token_is_read()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("signed");
        var before = server.Hybrid.JwksFetches + server.Hybrid.MetadataFetches;
        var call = (await server.AttestAsync("hybrid-profile", server.Hybrid.Token(email, server.Now), organizationId))
            .AssertError(400, "trusted_auth_token_profile_not_found");
        Assert.Equal(0, call.Cost("keys"));
        Assert.Equal(before, server.Hybrid.JwksFetches + server.Hybrid.MetadataFetches);

        // An organization on a UserInfo-only provider has no profile at all.
        var plain = await server.NewOrganizationAsync();
        (await server.AttestAsync("default", server.Signed.Token(email, server.Now), plain)).AssertError(400, "trusted_auth_token_profile_not_found");
    }

    [Fact]
    public async Task A_pending_member_becomes_active_and_an_unknown_email_is_member_not_found()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("signed", pending: true);
        var call = (await server.AttestAsync("signed", server.Signed.Token(email, server.Now), organizationId)).AssertOk();
        Assert.Equal("active", call.Json.GetProperty("member").GetProperty("status").GetString());
        (await server.AttestAsync("signed", server.Signed.Token("nobody-" + email, server.Now), organizationId)).AssertError(404, "member_not_found");
    }

    [Theory]
    [InlineData("session_token")]
    [InlineData("session_jwt")]
    public async Task With_a_live_session_of_the_same_member_the_factor_is_added_to_it_and_it_is_extended(string proof)
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("signed");
        var first = (await server.AttestAsync("signed", server.Signed.Token(email, server.Now), organizationId, new { session_duration_minutes = 10 })).AssertOk();
        server.Clock!.Advance(TimeSpan.FromMinutes(1));
        var extra = proof == "session_token"
            ? (object)new { session_token = first.Str("session_token"), session_duration_minutes = 30 }
            : new { session_jwt = first.Str("session_jwt"), session_duration_minutes = 30 };
        var token = server.Signed.Token(email, server.Now);
        var second = (await server.AttestAsync("signed", token, organizationId, extra)).AssertOk();

        var session = second.Json.GetProperty("member_session");
        Assert.Equal(first.Json.GetProperty("member_session").GetProperty("member_session_id").GetString(), session.GetProperty("member_session_id").GetString());
        Assert.Equal(server.Now.AddMinutes(30).ToUnixTimeSeconds(), session.GetProperty("expires_at").GetDateTimeOffset().ToUnixTimeSeconds());
        var factor = Assert.Single(session.GetProperty("authentication_factors").EnumerateArray()); // the earlier attested factor is replaced
        Assert.Equal(Jwts.Payload(token).GetProperty("jti").GetString(), factor.GetProperty("trusted_auth_token_factor").GetProperty("token_id").GetString());
        Assert.Equal(proof == "session_token" ? first.Str("session_token") : "", second.Str("session_token"));
        Assert.Equal(0, second.Cost("userinfo"));
    }

    [Fact]
    public async Task A_migrated_session_gains_the_attested_factor_beside_its_imported_one()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("hybrid");
        var migrated = (await server.PostAsync("/v1/b2b/sessions/migrate",
            new { session_token = server.HybridUserInfo.IssueToken(email), organization_id = organizationId })).AssertOk();
        var call = (await server.AttestAsync("hybrid-profile", server.Hybrid.Token(email, server.Now), organizationId,
            new { session_token = migrated.Str("session_token") })).AssertOk();
        var types = call.Json.GetProperty("member_session").GetProperty("authentication_factors").EnumerateArray().Select(f => f.GetProperty("type").GetString());
        Assert.Equal(["imported", "trusted_auth_token"], types);
    }

    [Fact]
    public async Task A_session_of_another_member_or_organization_is_refused_and_left_as_it_was()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("signed");
        var otherEmail = $"bob-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, otherEmail);
        var bob = (await server.AttestAsync("signed", server.Signed.Token(otherEmail, server.Now), organizationId)).AssertOk();
        var rows = await server.AllRowsAsync();

        (await server.AttestAsync("signed", server.Signed.Token(email, server.Now), organizationId, new { session_token = bob.Str("session_token") }))
            .AssertError(400, "session_member_mismatch");
        var (elsewhere, _) = await server.OrganizationWithMemberAsync("signed");
        rows = await server.AllRowsAsync();
        (await server.AttestAsync("signed", server.Signed.Token(otherEmail, server.Now), elsewhere, new { session_token = bob.Str("session_token") }))
            .AssertError(400, "session_member_mismatch");
        Assert.Equal(rows, await server.AllRowsAsync());
        var after = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = bob.Str("session_token") })).AssertOk();
        Assert.Equal(bob.Json.GetProperty("member_session").GetProperty("authentication_factors").GetRawText(),
            after.Json.GetProperty("member_session").GetProperty("authentication_factors").GetRawText());
    }

    [Fact]
    public async Task Missing_fields_are_named()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("signed");
        var call = await server.PostAsync("/v1/b2b/sessions/attest", new { token = server.Signed.Token(email, server.Now), organization_id = organizationId });
        call.AssertError(400, "invalid_argument");
        Assert.Contains("profile_id", call.Str("error_message"));
        (await server.PostAsync("/v1/b2b/sessions/attest", new { profile_id = "signed", token = server.Signed.Token(email, server.Now) }))
            .AssertError(400, "invalid_argument");
    }
}
