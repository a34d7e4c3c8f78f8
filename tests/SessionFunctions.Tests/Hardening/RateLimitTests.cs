using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using SessionFunctions.Api;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Hardening;

public sealed class RateLimitTests
{
    private const string Authenticate = "/v1/b2b/sessions/authenticate";

    private sealed class Limited(int projectPermits, int clientPermits, int? failedAuthenticationPermits) : ServerFixture
    {
        protected override void Configure(IDictionary<string, string?> settings)
        {
            settings["Api:RateLimit:ProjectPermits"] = projectPermits.ToString();
            settings["Api:RateLimit:ClientPermits"] = clientPermits.ToString();
            if (failedAuthenticationPermits is { } failures) settings["Api:RateLimit:FailedAuthenticationPermits"] = failures.ToString();
            settings["Api:RateLimit:Window"] = "00:10:00"; // nothing refills during the test
        }
    }

    /// <param name="failedAuthenticationPermits">null leaves the default.</param>
    private static async Task WithServerAsync(int projectPermits, int clientPermits, Func<ServerFixture, Task> test, int? failedAuthenticationPermits = 0)
    {
        var server = new Limited(projectPermits, clientPermits, failedAuthenticationPermits);
        await server.InitializeAsync();
        try { await test(server); }
        finally { await server.DisposeAsync(); }
    }

    /// <summary>A client whose connections come from <paramref name="localAddress"/> (any 127.x.y.z works on loopback).</summary>
    private static HttpClient ClientFrom(ServerFixture server, string localAddress, string? authorization)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var client = new HttpClient(handler) { BaseAddress = server.Client.BaseAddress };
        if (authorization is not null) client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        return client;
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public async Task A_client_over_its_limit_gets_429_with_retry_after_on_authenticate_and_migrate()
    {
        await WithServerAsync(projectPermits: 0, clientPermits: 5, async server =>
        {
            var calls = new List<ApiCall>();
            for (var i = 0; i < 8; i++) calls.Add(await server.PostAsync(Authenticate, new { session_token = "x" }));

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
    public async Task A_flood_of_failed_authentications_is_throttled_per_address_and_never_locks_out_the_real_backend()
    {
        await WithServerAsync(projectPermits: 5, clientPermits: 0, failedAuthenticationPermits: 3, test: async server =>
        {
            var valid = Basic(server.ProjectId, server.Secret);
            using var stranger = ClientFrom(server, "127.0.0.1", authorization: null);
            using var guesser = ClientFrom(server, "127.0.0.1", Basic(server.ProjectId, server.Secret + "-wrong"));
            using var backend = ClientFrom(server, "127.0.0.1", valid);         // shares the flooders' address (NAT)
            using var otherBackend = ClientFrom(server, "127.0.0.2", valid);
            using var otherStranger = ClientFrom(server, "127.0.0.2", authorization: null);

            var flood = new List<ApiCall>();
            for (var i = 0; i < 10; i++) flood.Add(await server.PostAsync(Authenticate, new { session_token = "x" }, stranger));
            for (var i = 0; i < 10; i++) flood.Add(await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = "x", organization_id = "y" }, guesser));

            Assert.All(flood.Take(3), c => c.AssertError(401, "unauthorized_credentials"));
            Assert.All(flood.Skip(3), c => c.AssertError(429, "too_many_requests"));
            Assert.InRange(int.Parse(flood[^1].Headers.RetryAfter!.ToString()), 1, 600);
            (await server.GetAsync("/v1/b2b/organizations/nowhere", stranger)).AssertError(429, "too_many_requests"); // every route with credentials
            (await server.PostAsync(Authenticate, new { session_token = "x" }, otherStranger)).AssertError(401, "unauthorized_credentials"); // its own bucket

            // Valid credentials are never refused for anyone else's failures, from the same address or another one…
            (await server.PostAsync(Authenticate, new { session_token = "x" }, backend)).AssertError(404, "session_not_found");
            (await server.PostAsync(Authenticate, new { session_token = "x" }, otherBackend)).AssertError(404, "session_not_found");
            (await server.GetAsync("/v1/b2b/organizations/nowhere", backend)).AssertError(404, "organization_not_found");

            // …and the flood spent none of the project's permits: 2 used above, so a burst gets exactly 3 more.
            var burst = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => server.PostAsync(Authenticate, new { session_token = "x" }, i % 2 == 0 ? backend : otherBackend)));
            Assert.Equal(3, burst.Count(c => c.ErrorType == "session_not_found"));
            Assert.Equal(3, burst.Count(c => c.ErrorType == "too_many_requests"));
        });
    }

    [Fact]
    public async Task Failed_authentication_is_limited_by_default() =>
        await WithServerAsync(projectPermits: 0, clientPermits: 0, failedAuthenticationPermits: null, test: async server =>
        {
            var limit = server.Service<IOptions<ApiOptions>>().Value.RateLimit.FailedAuthenticationPermits;
            Assert.InRange(limit, 1, 100);
            var calls = new List<ApiCall>();
            for (var i = 0; i <= limit; i++) calls.Add(await server.PostAsync(Authenticate, new { session_token = "x" }, server.Anonymous));

            Assert.All(calls.Take(limit), c => c.AssertError(401, "unauthorized_credentials"));
            calls[^1].AssertError(429, "too_many_requests");
            (await server.PostAsync(Authenticate, new { session_token = "x" })).AssertError(404, "session_not_found");
        });

    [Fact]
    public void A_negative_failed_authentication_limit_is_refused_at_start_up()
    {
        var result = new ApiOptionsValidator().Validate(null, new ApiOptions { RateLimit = new RateLimitOptions { FailedAuthenticationPermits = -1 } });
        Assert.Contains(result.Failures!, f => f.Contains("Api__RateLimit__FailedAuthenticationPermits", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Limits_can_be_turned_off() =>
        await WithServerAsync(projectPermits: 0, clientPermits: 0, async server =>
        {
            for (var i = 0; i < 30; i++)
                (await server.PostAsync(Authenticate, new { session_token = "x" })).AssertError(404, "session_not_found");
            for (var i = 0; i < 30; i++)
                (await server.PostAsync(Authenticate, new { session_token = "x" }, server.Anonymous)).AssertError(401, "unauthorized_credentials");
        });
}
