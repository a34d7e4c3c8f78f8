using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>Signing__JwtReuseWindow: an unchanged session's recent JWT is handed back without another signature.</summary>
public sealed class JwtReuseTests(JwtReuseTests.OneMinuteWindow server) : IClassFixture<JwtReuseTests.OneMinuteWindow>
{
    public sealed class OneMinuteWindow : ServerFixture
    {
        protected override bool UseFakeClock => true;
        protected override void Configure(IDictionary<string, string?> settings) => settings["Signing:JwtReuseWindow"] = "00:01:00";
    }

    private Task<ApiCall> AuthenticateAsync(object body) => server.PostAsync("/v1/b2b/sessions/authenticate", body);

    [Fact]
    public async Task Within_the_window_an_unchanged_session_gets_its_last_jwt_without_a_signature()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var token = migrated.Str("session_token");
        var first = (await AuthenticateAsync(new { session_token = token })).AssertOk();
        server.Clock!.Advance(TimeSpan.FromSeconds(30));

        var second = (await AuthenticateAsync(new { session_token = token })).AssertOk();

        Assert.Equal(first.Str("session_jwt"), second.Str("session_jwt"));
        Assert.Equal(0, second.Cost("signatures"));
        Assert.Equal(2, second.Cost("tables")); // the session and its member are still read, in one range read (and its last access written)
        Assert.NotEqual(first.Json.GetProperty("member_session").GetProperty("last_accessed_at").GetString(),
            second.Json.GetProperty("member_session").GetProperty("last_accessed_at").GetString());
        await Jwts.VerifyAgainstJwksAsync(server, second.Str("session_jwt"));
    }

    [Fact]
    public async Task After_the_window_or_when_the_session_changes_a_new_jwt_is_signed()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        var token = migrated.Str("session_token");
        var first = (await AuthenticateAsync(new { session_token = token })).AssertOk();

        var withClaims = (await AuthenticateAsync(new { session_token = token, session_custom_claims = new { plan = "pro" } })).AssertOk();
        Assert.NotEqual(first.Str("session_jwt"), withClaims.Str("session_jwt"));
        Assert.Equal("pro", Jwts.Payload(withClaims.Str("session_jwt")).GetProperty("plan").GetString());

        server.Clock!.Advance(TimeSpan.FromSeconds(5));
        var extended = (await AuthenticateAsync(new { session_token = token, session_duration_minutes = 600 })).AssertOk();
        Assert.NotEqual(withClaims.Str("session_jwt"), extended.Str("session_jwt"));
        Assert.Equal(1, extended.Cost("signatures"));

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        var later = (await AuthenticateAsync(new { session_token = token })).AssertOk();
        Assert.NotEqual(extended.Str("session_jwt"), later.Str("session_jwt"));
        Assert.Equal(1, later.Cost("signatures"));
    }

    [Fact]
    public async Task Reuse_never_outlives_revocation()
    {
        var (_, _, migrated) = await server.NewSessionAsync();
        (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertOk();
        (await server.PostAsync("/v1/b2b/sessions/revoke", new { session_token = migrated.Str("session_token") })).AssertOk();

        (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertError(404, "session_not_found");
        (await AuthenticateAsync(new { session_jwt = migrated.Str("session_jwt") })).AssertError(404, "session_not_found");
    }
}
