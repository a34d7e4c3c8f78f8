using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>Every way migrate can fail answers with Stytch's error envelope, the right status, and stores nothing.</summary>
public sealed class MigrateErrorTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<(string OrganizationId, string Email)> MemberAsync()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"m-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email);
        return (organizationId, email);
    }

    private async Task<ApiCall> MigrateWithTokenAsync(string organizationId, string legacyToken) =>
        await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = legacyToken, organization_id = organizationId });

    /// <summary>Runs a failing migrate and checks the store is exactly as it was.</summary>
    private async Task<ApiCall> StoresNothingAsync(Func<Task<ApiCall>> migrate)
    {
        var before = await server.AllRowsAsync();
        var call = await migrate();
        Assert.Equal(before, await server.AllRowsAsync());
        return call;
    }

    [Fact]
    public async Task Without_credentials_the_answer_is_401()
    {
        var (organizationId, email) = await MemberAsync();
        (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.UserInfo.IssueToken(email), organization_id = organizationId }, server.Anonymous))
            .AssertError(401, "unauthorized_credentials");
    }

    [Theory]
    [InlineData("wrong-secret")]
    [InlineData("")]
    public async Task With_a_wrong_secret_the_answer_is_401(string secret)
    {
        using var client = new HttpClient { BaseAddress = server.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{server.ProjectId}:{secret}")));
        (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = "x", organization_id = "y" }, client)).AssertError(401, "unauthorized_credentials");
    }

    [Fact]
    public async Task Malformed_json_is_a_400() =>
        (await server.PostRawAsync("/v1/b2b/sessions/migrate", "{\"session_token\": ")).AssertError(400, "bad_request");

    [Theory]
    [InlineData("{\"session_token\": 5, \"organization_id\": \"x\"}")]
    [InlineData("{\"session_token\": \"t\", \"organization_id\": \"x\", \"session_duration_minutes\": \"60\"}")]
    [InlineData("{\"session_token\": \"t\", \"organization_id\": \"x\", \"session_duration_minutes\": 60.5}")]
    [InlineData("{\"session_token\": \"t\", \"organization_id\": \"x\", \"session_custom_claims\": [1, 2]}")]
    public async Task A_field_of_the_wrong_type_is_a_400_naming_the_field(string body)
    {
        var call = (await server.PostRawAsync("/v1/b2b/sessions/migrate", body)).AssertError(400, "invalid_argument");
        Assert.Contains("has the wrong type", call.Str("error_message"));
    }

    [Theory]
    [InlineData("{\"organization_id\": \"x\"}", "session_token")]
    [InlineData("{\"session_token\": \"t\"}", "organization_id")]
    [InlineData("{\"session_token\": \"\", \"organization_id\": \"x\"}", "session_token")]
    [InlineData("{}", "session_token")]
    [InlineData("", "session_token")]
    public async Task A_missing_field_is_a_400_naming_the_field(string body, string field)
    {
        var call = (await server.PostRawAsync("/v1/b2b/sessions/migrate", body)).AssertError(400, "invalid_argument");
        Assert.Equal($"{field} is required.", call.Str("error_message"));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused() =>
        (await server.PostRawAsync("/v1/b2b/sessions/migrate", "session_token=x", "application/x-www-form-urlencoded")).AssertError(415, "bad_request");

    [Fact]
    public async Task An_unknown_organization_is_a_404_and_the_provider_is_not_called()
    {
        var calls = server.UserInfo.Calls.Count;
        (await server.MigrateAsync("organization-test-" + Guid.NewGuid(), "x@example.com")).AssertError(404, "organization_not_found");
        (await server.MigrateAsync("no-such-slug-" + Guid.NewGuid().ToString("N")[..8], "x@example.com")).AssertError(404, "organization_not_found");
        Assert.Equal(calls, server.UserInfo.Calls.Count);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(400)]
    public async Task A_legacy_token_the_provider_rejects_is_a_400(int providerStatus)
    {
        var (organizationId, _) = await MemberAsync();
        var call = await StoresNothingAsync(() => MigrateWithTokenAsync(organizationId, server.UserInfo.TokenAnswering(providerStatus)));
        call.AssertError(400, "migrate_from_external_unexpected_response");
        Assert.Contains(providerStatus.ToString(), call.Str("error_message"));
    }

    [Theory]
    [InlineData(500, 502)]
    [InlineData(404, 502)]
    [InlineData(502, 503)]
    [InlineData(503, 503)]
    // 429 is a 503 too, and stops every call to the provider until its Retry-After: Attest.ProviderBudgetTests.
    public async Task A_failing_provider_is_a_502_or_503_the_client_may_retry(int providerStatus, int expected)
    {
        var (organizationId, _) = await MemberAsync();
        (await StoresNothingAsync(() => MigrateWithTokenAsync(organizationId, server.UserInfo.TokenAnswering(providerStatus))))
            .AssertError(expected, "migrate_from_external_unexpected_response");
    }

    [Fact]
    public async Task A_provider_slower_than_the_timeout_is_a_503()
    {
        var (organizationId, email) = await MemberAsync();
        var started = DateTime.UtcNow;
        (await StoresNothingAsync(() => MigrateWithTokenAsync(organizationId, server.UserInfo.SlowToken(email, TimeSpan.FromSeconds(10)))))
            .AssertError(503, "migrate_from_external_unexpected_response");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "the 2 s UserInfo timeout was not applied");
    }

    [Theory]
    [InlineData("text/html", "<html>login</html>")]
    [InlineData("application/json", "[\"not\", \"an object\"]")]
    [InlineData("application/json", "{\"email\": ")]
    public async Task A_provider_answer_that_is_not_a_json_object_is_a_502(string contentType, string body)
    {
        var (organizationId, _) = await MemberAsync();
        (await StoresNothingAsync(() => MigrateWithTokenAsync(organizationId, server.UserInfo.TokenAnsweringBody(contentType, body))))
            .AssertError(502, "migrate_from_external_unexpected_response");
    }

    [Theory]
    [InlineData("{\"sub\": \"u1\"}")]
    [InlineData("{\"sub\": \"u1\", \"email\": \"\"}")]
    [InlineData("{\"sub\": \"u1\", \"email\": 42}")]
    public async Task A_provider_answer_without_an_email_is_a_400(string body)
    {
        var (organizationId, _) = await MemberAsync();
        (await StoresNothingAsync(() => MigrateWithTokenAsync(organizationId, server.UserInfo.TokenAnsweringBody("application/json", body))))
            .AssertError(400, "migrate_from_external_missing_userinfo");
    }

    [Fact]
    public async Task An_email_the_provider_says_is_unverified_is_refused()
    {
        var (organizationId, email) = await MemberAsync();
        (await StoresNothingAsync(() => MigrateWithTokenAsync(organizationId, server.UserInfo.IssueToken(email, emailVerified: false))))
            .AssertError(400, "oidc_response_unverified_email");
    }

    [Fact]
    public async Task An_answer_without_email_verified_is_refused_unless_the_provider_is_trusted()
    {
        var (organizationId, email) = await MemberAsync();
        (await StoresNothingAsync(() => MigrateWithTokenAsync(organizationId, server.UserInfo.IssueToken(email, emailVerified: null))))
            .AssertError(400, "oidc_response_unverified_email");
    }

    [Fact]
    public async Task An_email_that_is_no_member_of_the_organization_is_a_404()
    {
        var (organizationId, _) = await MemberAsync();
        var (otherOrganization, otherEmail) = await MemberAsync();
        Assert.NotEqual(organizationId, otherOrganization);

        (await StoresNothingAsync(() => server.MigrateAsync(organizationId, "stranger@example.com"))).AssertError(404, "migrate_from_external_email_does_not_exist");
        (await StoresNothingAsync(() => server.MigrateAsync(organizationId, otherEmail))).AssertError(404, "migrate_from_external_email_does_not_exist");
    }

    [Fact]
    public async Task A_deleted_member_does_not_match()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, "leaver@example.com");
        (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertOk();

        (await StoresNothingAsync(() => server.MigrateAsync(organizationId, "leaver@example.com"))).AssertError(404, "migrate_from_external_email_does_not_exist");
    }

    [Fact]
    public async Task An_unreachable_provider_is_a_503()
    {
        await using var other = await FakeUserInfoProvider.StartAsync();
        var closedPort = new Uri(other.UserInfoUrl).Port;
        await other.DisposeAsync();
        var unreachable = new UnreachableProviderServer(closedPort);
        await unreachable.InitializeAsync();
        try
        {
            var organizationId = await unreachable.NewOrganizationAsync();
            await unreachable.NewMemberAsync(organizationId, "z@example.com");

            (await unreachable.PostAsync("/v1/b2b/sessions/migrate", new { session_token = "anything", organization_id = organizationId }))
                .AssertError(503, "migrate_from_external_unexpected_response");
        }
        finally
        {
            await unreachable.DisposeAsync();
        }
    }

    private sealed class UnreachableProviderServer(int port) : ServerFixture
    {
        protected override void Configure(IDictionary<string, string?> settings) => settings["Sessions:UserInfoUrl"] = $"http://127.0.0.1:{port}/userinfo";
    }
}
