using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Hardening;

public sealed class RateLimitTests
{
    private sealed class Limited(int projectPermits, int clientPermits) : ServerFixture
    {
        protected override void Configure(IDictionary<string, string?> settings)
        {
            settings["Api:RateLimit:ProjectPermits"] = projectPermits.ToString();
            settings["Api:RateLimit:ClientPermits"] = clientPermits.ToString();
            settings["Api:RateLimit:Window"] = "00:10:00"; // nothing refills during the test
        }
    }

    private static async Task WithServerAsync(int projectPermits, int clientPermits, Func<ServerFixture, Task> test)
    {
        var server = new Limited(projectPermits, clientPermits);
        await server.InitializeAsync();
        try { await test(server); }
        finally { await server.DisposeAsync(); }
    }

    [Fact]
    public async Task A_client_over_its_limit_gets_429_with_retry_after_on_authenticate_and_migrate()
    {
        await WithServerAsync(projectPermits: 0, clientPermits: 5, async server =>
        {
            var calls = new List<ApiCall>();
            for (var i = 0; i < 8; i++) calls.Add(await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = "x" }));

            Assert.Equal(5, calls.Count(c => c.ErrorType == "session_not_found"));
            Assert.All(calls.Skip(5), c => c.AssertError(429, "too_many_requests"));
            Assert.InRange(int.Parse(calls[^1].Headers.RetryAfter!.ToString()), 1, 600);
            (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = "x", organization_id = "y" })).AssertError(429, "too_many_requests");
            (await server.GetAsync($"/v1/b2b/sessions/jwks/{server.ProjectId}")).AssertOk(); // other routes are not limited
        });
    }

    [Fact]
    public async Task The_project_limit_applies_across_clients()
    {
        await WithServerAsync(projectPermits: 3, clientPermits: 0, async server =>
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = "x", organization_id = "nowhere" })));
            Assert.Equal(3, results.Count(r => r.ErrorType == "too_many_requests"));
            Assert.Equal(3, results.Count(r => r.ErrorType == "organization_not_found"));
        });
    }

    [Fact]
    public async Task Limits_can_be_turned_off() =>
        await WithServerAsync(projectPermits: 0, clientPermits: 0, async server =>
        {
            for (var i = 0; i < 30; i++)
                (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = "x" })).AssertError(404, "session_not_found");
        });
}
