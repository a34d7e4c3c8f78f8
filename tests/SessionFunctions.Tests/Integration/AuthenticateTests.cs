using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>Authenticate, on a server whose clock the tests move.</summary>
public sealed class AuthenticateTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    private Task<ApiCall> AuthenticateAsync(object body) => server.PostAsync("/v1/b2b/sessions/authenticate", body);

    private static DateTimeOffset Time(ApiCall call, string field) =>
        DateTimeOffset.Parse(call.Json.GetProperty("member_session").GetProperty(field).GetString()!);

    [Fact]
    public async Task A_session_token_authenticates_and_brings_a_fresh_jwt()
    {
        var (_, memberId, migrated) = await server.NewSessionAsync();
        server.Clock!.Advance(TimeSpan.FromMinutes(2));

        var call = (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertOk();

        Assert.Equal(migrated.Str("session_token"), call.Str("session_token"));
        Assert.NotEqual(migrated.Str("session_jwt"), call.Str("session_jwt"));
        Assert.Equal(memberId, (await Jwts.VerifyAgainstJwksAsync(server, call.Str("session_jwt"))).Subject);
        Assert.Equal(memberId, call.Json.GetProperty("member").GetProperty("member_id").GetString());
        Assert.Equal(migrated.Json.GetProperty("organization").ToString(), call.Json.GetProperty("organization").ToString());
        Assert.Equal(Time(migrated, "last_accessed_at") + TimeSpan.FromMinutes(2), Time(call, "last_accessed_at"));
        Assert.Equal(Time(migrated, "expires_at"), Time(call, "expires_at")); // not extended without a duration
    }

    [Fact]
    public async Task A_jwt_authenticates_even_after_its_five_minutes_while_the_session_lives()
    {
        var (_, memberId, migrated) = await server.NewSessionAsync();
        server.Clock!.Advance(TimeSpan.FromMinutes(20));

        var call = (await AuthenticateAsync(new { session_jwt = migrated.Str("session_jwt") })).AssertOk();

        var fresh = await Jwts.VerifyAgainstJwksAsync(server, call.Str("session_jwt"));
        Assert.Equal(memberId, fresh.Subject);
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds(), Jwts.Payload(call.Str("session_jwt")).GetProperty("iat").GetInt64());
        Assert.Equal("", call.Str("session_token")); // only the token's hash is stored
    }

    [Fact]
    public async Task A_duration_extends_the_session_to_now_plus_that_many_minutes()
    {
        var (_, _, migrated) = await server.NewSessionAsync(durationMinutes: 10);
        server.Clock!.Advance(TimeSpan.FromMinutes(8));

        var call = (await AuthenticateAsync(new { session_token = migrated.Str("session_token"), session_duration_minutes = 30 })).AssertOk();

        Assert.Equal(server.Clock.GetUtcNow().AddMinutes(30).ToUnixTimeSeconds(), Time(call, "expires_at").ToUnixTimeSeconds());
        server.Clock.Advance(TimeSpan.FromMinutes(25)); // past the original 10 minutes
        (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertOk();
    }

    [Fact]
    public async Task An_expired_session_is_not_found()
    {
        var (_, _, migrated) = await server.NewSessionAsync(durationMinutes: 5);
        server.Clock!.Advance(TimeSpan.FromMinutes(5));

        (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertError(404, "session_not_found");
        (await AuthenticateAsync(new { session_jwt = migrated.Str("session_jwt") })).AssertError(404, "session_not_found");
    }

    [Fact]
    public async Task Custom_claims_merge_into_the_sessions_claims()
    {
        var (_, _, migrated) = await server.NewSessionAsync(customClaims: new { keep = 1, drop = 2, nested = new { a = 1, b = 2 } });
        var token = migrated.Str("session_token");

        var call = (await AuthenticateAsync(new Dictionary<string, object?>
        {
            ["session_token"] = token,
            ["session_custom_claims"] = new Dictionary<string, object?> { ["drop"] = null, ["add"] = "x", ["nested"] = new Dictionary<string, object?> { ["b"] = null, ["c"] = 3 }, ["aud"] = "no" },
        })).AssertOk();

        var claims = call.Json.GetProperty("member_session").GetProperty("custom_claims");
        Assert.Equal("""{"keep":1,"nested":{"a":1,"c":3},"add":"x"}""", claims.GetRawText());
        var payload = Jwts.Payload(call.Str("session_jwt"));
        Assert.Equal(3, payload.GetProperty("nested").GetProperty("c").GetInt32());
        Assert.False(payload.TryGetProperty("drop", out _));
        Assert.Equal(System.Text.Json.JsonValueKind.Array, payload.GetProperty("aud").ValueKind);
    }

    [Fact]
    public async Task Both_a_token_and_a_jwt_is_an_error_and_so_is_neither()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        (await AuthenticateAsync(new { session_token = migrated.Str("session_token"), session_jwt = migrated.Str("session_jwt") }))
            .AssertError(400, "too_many_session_arguments");
        (await AuthenticateAsync(new { })).AssertError(400, "no_session_arguments");
        (await AuthenticateAsync(new { session_token = "" })).AssertError(400, "no_session_arguments");
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task An_unknown_token_is_not_found(string token) =>
        (await AuthenticateAsync(new { session_token = token })).AssertError(404, "session_not_found");

    [Fact]
    public async Task A_token_with_a_changed_secret_part_is_not_found()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var token = migrated.Str("session_token");
        var forged = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        (await AuthenticateAsync(new { session_token = forged })).AssertError(404, "session_not_found");
    }

    [Fact]
    public async Task A_jwt_that_does_not_parse_or_verify_is_refused()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var jwt = migrated.Str("session_jwt");
        var parts = jwt.Split('.');
        var tamperedPayload = Jwts.Payload(jwt).GetRawText().Replace("stytch_member", "stytch_admin");
        var tampered = $"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(tamperedPayload))}.{parts[2]}";

        (await AuthenticateAsync(new { session_jwt = "not.a.jwt" })).AssertError(400, "unable_to_parse_session_jwt");
        (await AuthenticateAsync(new { session_jwt = tampered })).AssertError(404, "session_not_found");
    }

    [Fact]
    public async Task Authenticate_by_token_costs_one_range_read_and_one_conditional_write()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var call = (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertOk();
        Assert.Equal(2, call.Cost("tables")); // the member row and its sessions up to this one in one range read, then the write
        Assert.Equal(2, call.Cost("entities")); // the member row and the session
        Assert.Equal(0, call.Cost("userinfo"));
        Assert.Equal(1, call.Cost("signatures"));
    }

    [Fact]
    public async Task The_range_read_scans_the_member_row_and_its_sessions_up_to_the_one_authenticated()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"many-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email);
        var sessions = new List<ApiCall>();
        for (var i = 0; i < 5; i++) sessions.Add((await server.MigrateAsync(organizationId, email)).AssertOk());
        var ordered = sessions.OrderBy(s => SessionRows.RowKey(s), StringComparer.Ordinal).ToList();

        for (var i = 0; i < ordered.Count; i++)
        {
            var call = (await AuthenticateAsync(new { session_token = ordered[i].Str("session_token") })).AssertOk();
            Assert.Equal(2, call.Cost("tables"));
            Assert.Equal(2 + i, call.Cost("entities")); // the member, the sessions sorting before this one, and this one
        }
    }

    [Fact]
    public async Task Authenticate_by_jwt_checks_the_signature_locally_then_costs_one_range_read_and_one_write()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var call = (await AuthenticateAsync(new { session_jwt = migrated.Str("session_jwt") })).AssertOk();
        Assert.Equal(2, call.Cost("tables"));
        Assert.Equal(1, call.Cost("signatures"));
    }

    [Fact]
    public async Task A_duration_out_of_range_is_refused()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        (await AuthenticateAsync(new { session_token = migrated.Str("session_token"), session_duration_minutes = 3 }))
            .AssertError(400, "invalid_session_duration_minutes");
    }
}
