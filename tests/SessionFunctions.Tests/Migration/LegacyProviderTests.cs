using Microsoft.AspNetCore.Http;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Migration;

/// <summary>
/// Legacy providers per organization: a server with the default provider (Sessions__UserInfoUrl) and two more,
/// <c>okta</c> (email_verified required) and <c>entra</c> (Trusted, email in <c>upn</c>), each a separate loopback endpoint.
/// </summary>
public sealed class LegacyProviderTests(LegacyProviderTests.ProvidersServer server) : IClassFixture<LegacyProviderTests.ProvidersServer>
{
    public sealed class ProvidersServer : ServerFixture, IAsyncLifetime
    {
        public FakeUserInfoProvider Okta { get; private set; } = null!;
        public FakeUserInfoProvider Entra { get; private set; } = null!;

        async Task IAsyncLifetime.InitializeAsync()
        {
            Okta = await FakeUserInfoProvider.StartAsync();
            Entra = await FakeUserInfoProvider.StartAsync();
            await InitializeAsync();
        }

        async Task IAsyncLifetime.DisposeAsync()
        {
            await DisposeAsync();
            await Okta.DisposeAsync();
            await Entra.DisposeAsync();
        }

        protected override void Configure(IDictionary<string, string?> settings)
        {
            settings["Sessions:Providers:okta:UserInfoUrl"] = Okta.UserInfoUrl;
            settings["Sessions:Providers:entra:UserInfoUrl"] = Entra.UserInfoUrl;
            settings["Sessions:Providers:entra:EmailClaim"] = "upn";
            settings["Sessions:Providers:entra:EmailVerified"] = "Trusted";
            settings["Sessions:Providers:entra:Timeout"] = "00:00:01";
        }

        public async Task<string> OrganizationOnAsync(string? provider)
        {
            var body = new Dictionary<string, object?>
            {
                ["organization_name"] = "Org on " + (provider ?? "default"),
                ["organization_slug"] = "org-" + Guid.NewGuid().ToString("N")[..12],
            };
            if (provider is not null) body["trusted_metadata"] = new Dictionary<string, object> { ["legacy_provider"] = provider, ["plan"] = "gold" };
            return (await PostAsync("/v1/b2b/organizations", body)).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString()!;
        }

        public Task<ApiCall> MigrateWithAsync(string organizationId, string legacyToken) =>
            PostAsync("/v1/b2b/sessions/migrate", new { session_token = legacyToken, organization_id = organizationId });
    }

    private static IReadOnlyDictionary<string, object?> Claims(params (string Name, object? Value)[] claims) => claims.ToDictionary(c => c.Name, c => c.Value);

    private static int CallsWith(FakeUserInfoProvider provider, string token) => provider.Calls.Count(c => c.Authorization == "Bearer " + token);

    [Fact]
    public async Task Each_organization_migrates_through_its_own_provider_only()
    {
        var onOkta = await server.OrganizationOnAsync("okta");
        var onDefault = await server.OrganizationOnAsync(null);
        var email = $"both-{Guid.NewGuid():N}@example.com";
        var oktaMember = await server.NewMemberAsync(onOkta, email);
        var defaultMember = await server.NewMemberAsync(onDefault, email);
        var oktaToken = server.Okta.IssueToken(email);
        var defaultToken = server.UserInfo.IssueToken(email);

        Assert.Equal(oktaMember, (await server.MigrateWithAsync(onOkta, oktaToken)).AssertOk().Str("member_id"));
        Assert.Equal(defaultMember, (await server.MigrateWithAsync(onDefault, defaultToken)).AssertOk().Str("member_id"));
        // A token of the other provider is sent to the organization's own provider, which does not know it.
        (await server.MigrateWithAsync(onOkta, defaultToken)).AssertError(400, "migrate_from_external_unexpected_response");

        Assert.Equal(1, CallsWith(server.Okta, oktaToken));
        Assert.Equal(1, CallsWith(server.Okta, defaultToken));
        Assert.Equal(1, CallsWith(server.UserInfo, defaultToken));
        Assert.Equal(0, CallsWith(server.UserInfo, oktaToken));
        Assert.DoesNotContain(server.Entra.Calls, c => c.Authorization == "Bearer " + oktaToken || c.Authorization == "Bearer " + defaultToken);
    }

    [Fact]
    public async Task A_provider_that_sends_no_email_verified_works_only_when_trusted()
    {
        var onEntra = await server.OrganizationOnAsync("entra");
        var onOkta = await server.OrganizationOnAsync("okta");
        var email = $"entra-{Guid.NewGuid():N}@example.com";
        var entraMember = await server.NewMemberAsync(onEntra, email);
        await server.NewMemberAsync(onOkta, email);
        var before = await server.AllRowsAsync();

        (await server.MigrateWithAsync(onOkta, server.Okta.TokenWithClaims(Claims(("sub", "o1"), ("email", email))))).AssertError(400, "oidc_response_unverified_email");
        Assert.Equal(before, await server.AllRowsAsync());

        var call = (await server.MigrateWithAsync(onEntra, server.Entra.TokenWithClaims(Claims(("sub", "e1"), ("upn", email))))).AssertOk();
        Assert.Equal(entraMember, call.Str("member_id"));
        // Trusted means "may leave it out", not "may say no".
        (await server.MigrateWithAsync(onEntra, server.Entra.TokenWithClaims(Claims(("upn", email), ("email_verified", false))))).AssertError(400, "oidc_response_unverified_email");
    }

    [Fact]
    public async Task A_custom_email_claim_is_the_only_one_read()
    {
        var onEntra = await server.OrganizationOnAsync("entra");
        var email = $"upn-{Guid.NewGuid():N}@example.com";
        var memberId = await server.NewMemberAsync(onEntra, email);

        // The provider's "email" member names someone else: only "upn" counts for this provider.
        var call = (await server.MigrateWithAsync(onEntra, server.Entra.TokenWithClaims(Claims(("email", "other@example.com"), ("upn", email.ToUpperInvariant()))))).AssertOk();
        Assert.Equal(memberId, call.Str("member_id"));
        (await server.MigrateWithAsync(onEntra, server.Entra.TokenWithClaims(Claims(("email", email))))).AssertError(400, "migrate_from_external_missing_userinfo");
    }

    [Theory]
    [InlineData("\"okta-typo\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("[\"okta\"]")]
    public async Task An_organization_naming_an_unknown_provider_is_refused_when_written(string provider)
    {
        var before = await server.AllRowsAsync();
        var slug = "org-" + Guid.NewGuid().ToString("N")[..12];

        (await server.PostRawAsync("/v1/b2b/organizations", $"{{\"organization_name\":\"Typo\",\"organization_slug\":\"{slug}\",\"trusted_metadata\":{{\"legacy_provider\":{provider}}}}}"))
            .AssertError(400, "invalid_legacy_provider");

        Assert.Equal(before, await server.AllRowsAsync());
        (await server.GetAsync($"/v1/b2b/organizations/{slug}")).AssertError(404, "organization_not_found");
    }

    [Fact]
    public async Task An_organization_update_moves_it_to_another_provider_at_once_on_this_instance()
    {
        var organizationId = await server.OrganizationOnAsync("okta");
        var email = $"cutover-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email);
        (await server.MigrateWithAsync(organizationId, server.Okta.IssueToken(email))).AssertOk(); // caches the organization

        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}", new { trusted_metadata = new { legacy_provider = "entra" } })).AssertOk();
        var oktaToken = server.Okta.IssueToken(email);
        var entraToken = server.Entra.TokenWithClaims(Claims(("upn", email)));

        (await server.MigrateWithAsync(organizationId, oktaToken)).AssertError(400, "migrate_from_external_unexpected_response"); // sent to Entra, unknown there
        (await server.MigrateWithAsync(organizationId, entraToken)).AssertOk();
        Assert.Equal(0, CallsWith(server.Okta, oktaToken));
        Assert.Equal(1, CallsWith(server.Entra, oktaToken));

        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}", new { trusted_metadata = new { legacy_provider = "gone" } })).AssertError(400, "invalid_legacy_provider");
    }

    [Fact]
    public async Task Provider_names_ignore_case_as_configuration_keys_do()
    {
        var organizationId = await server.OrganizationOnAsync("OKTA");
        var email = $"case-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email);

        (await server.MigrateWithAsync(organizationId, server.Okta.IssueToken(email))).AssertOk();
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_the_token_never_reaches_another_host()
    {
        var organizationId = await server.OrganizationOnAsync(null);
        var email = $"redirect-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email);
        // A second provider on loopback that would vouch for anyone who reached it.
        await using var second = await FakeUserInfoProvider.StartAsync();
        second.Fallback = c => c.Response.WriteAsJsonAsync(new { email, email_verified = true });
        var token = server.UserInfo.TokenRedirectingTo(second.UserInfoUrl);
        var before = await server.AllRowsAsync();

        var call = await server.MigrateWithAsync(organizationId, token);

        call.AssertError(502, "migrate_from_external_unexpected_response");
        Assert.Contains("302", call.Str("error_message"));
        Assert.Equal(1, CallsWith(server.UserInfo, token));
        Assert.Empty(second.Calls);
        Assert.Equal(before, await server.AllRowsAsync());
    }

    [Theory]
    [InlineData("abc\r\nX-Injected: 1")]
    [InlineData("abc\ndef")]
    [InlineData("abc\u0000def")]
    [InlineData("t\u00f6ken")]
    [InlineData("\u2603")]
    [InlineData("two words")]
    [InlineData("Bearer abc")]
    [InlineData("abc=def")]
    [InlineData("===")]
    [InlineData("abc,def")]
    [InlineData("\"quoted\"")]
    public async Task A_legacy_token_that_is_not_a_bearer_token_is_a_400_before_any_call(string token)
    {
        var organizationId = await server.OrganizationOnAsync(null);
        var calls = server.UserInfo.Calls.Count;
        var before = await server.AllRowsAsync();

        var call = await server.MigrateWithAsync(organizationId, token);

        call.AssertError(400, "invalid_argument");
        Assert.Contains("session_token", call.Str("error_message"));
        Assert.Equal(calls, server.UserInfo.Calls.Count);
        Assert.Equal(before, await server.AllRowsAsync());
    }

    [Theory]
    [InlineData("abcDEF012-._~+/")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")]
    [InlineData("YWJj==")]
    public async Task A_token68_legacy_token_reaches_the_provider(string token)
    {
        var organizationId = await server.OrganizationOnAsync(null);

        (await server.MigrateWithAsync(organizationId, token)).AssertError(400, "migrate_from_external_unexpected_response"); // unknown to the provider: 401

        Assert.Contains(server.UserInfo.Calls, c => c.Authorization == "Bearer " + token);
    }

    [Fact]
    public async Task A_session_proven_by_one_provider_cannot_be_exchanged_into_an_organization_on_another()
    {
        var email = $"victim-{Guid.NewGuid():N}@b.example";
        var onOkta = await server.OrganizationOnAsync("okta");
        var onOktaToo = await server.OrganizationOnAsync("okta");
        var onDefault = await server.OrganizationOnAsync(null);
        foreach (var organizationId in new[] { onOkta, onOktaToo, onDefault })
            await server.NewMemberAsync(organizationId, email);
        var session = (await server.MigrateWithAsync(onOkta, server.Okta.IssueToken(email))).AssertOk();
        var before = await server.AllRowsAsync();

        (await server.PostAsync("/v1/b2b/sessions/exchange", new { organization_id = onDefault, session_token = session.Str("session_token") }))
            .AssertError(400, "exchange_across_legacy_providers");
        Assert.Equal(before, await server.AllRowsAsync());

        (await server.PostAsync("/v1/b2b/sessions/exchange", new { organization_id = onOktaToo, session_token = session.Str("session_token") })).AssertOk();
    }
    [Fact]
    public async Task Exchange_compares_the_provider_that_vouched_for_the_session_not_the_one_its_organization_uses_now()
    {
        var email = $"moved-{Guid.NewGuid():N}@b.example";
        var onOkta = await server.OrganizationOnAsync("okta");
        var onDefault = await server.OrganizationOnAsync(null);
        foreach (var organizationId in new[] { onOkta, onDefault })
            await server.NewMemberAsync(organizationId, email);
        var session = (await server.MigrateWithAsync(onOkta, server.Okta.IssueToken(email))).AssertOk();
        // The organization finishes its migration and stops naming its own provider: it is on the default one now.
        (await server.PutAsync($"/v1/b2b/organizations/{onOkta}", new { trusted_metadata = new { plan = "gold" } })).AssertOk();

        (await server.PostAsync("/v1/b2b/sessions/exchange", new { organization_id = onDefault, session_token = session.Str("session_token") }))
            .AssertError(400, "exchange_across_legacy_providers"); // okta vouched for this session, not the default provider
    }

    [Fact]
    public async Task An_exchanged_session_carries_its_provider_on()
    {
        var email = $"carried-{Guid.NewGuid():N}@b.example";
        var (first, second, third) = (await server.OrganizationOnAsync("okta"), await server.OrganizationOnAsync("okta"), await server.OrganizationOnAsync("okta"));
        var onDefault = await server.OrganizationOnAsync(null);
        foreach (var organizationId in new[] { first, second, third, onDefault })
            await server.NewMemberAsync(organizationId, email);
        var session = (await server.MigrateWithAsync(first, server.Okta.IssueToken(email))).AssertOk();
        var exchanged = (await server.PostAsync("/v1/b2b/sessions/exchange", new { organization_id = second, session_token = session.Str("session_token") })).AssertOk();
        // Even if the first organization moves to the default provider, the exchanged session stays okta's.
        (await server.PutAsync($"/v1/b2b/organizations/{first}", new { trusted_metadata = new { } })).AssertOk();

        (await server.PostAsync("/v1/b2b/sessions/exchange", new { organization_id = onDefault, session_token = exchanged.Str("session_token") }))
            .AssertError(400, "exchange_across_legacy_providers");
        (await server.PostAsync("/v1/b2b/sessions/exchange", new { organization_id = third, session_token = exchanged.Str("session_token") })).AssertOk();
    }
}
