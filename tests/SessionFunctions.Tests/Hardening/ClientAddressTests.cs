using System.Net;
using System.Net.Sockets;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Hardening;

/// <summary>
/// Issue 19.10: which address the per-client limits count, and that a forged <c>X-Forwarded-For</c> cannot pick its
/// bucket. Each test spends one address's failed-authentication permits (2) and then checks who is refused.
/// </summary>
public sealed class ClientAddressTests
{
    private const string Migrate = "/v1/b2b/sessions/migrate";

    private class Limited(int trustedProxies) : ServerFixture
    {
        protected override void Configure(IDictionary<string, string?> settings)
        {
            settings["Api:RateLimit:FailedAuthenticationPermits"] = "2";
            settings["Api:RateLimit:TrustedProxies"] = trustedProxies.ToString();
            settings["Api:RateLimit:Window"] = "00:10:00";
        }
    }

    private static async Task WithServerAsync(Limited server, Func<ServerFixture, Task> test)
    {
        await server.InitializeAsync();
        try { await test(server); }
        finally { await server.DisposeAsync(); }
    }

    /// <summary>A client connecting from <paramref name="localAddress"/> with wrong credentials and the given X-Forwarded-For.</summary>
    private static async Task<ApiCall> BadCredentialsAsync(Uri baseAddress, string localAddress, string? forwardedFor)
    {
        using var client = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = baseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, Migrate) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String("project-test-x:wrong-secret-000000"u8));
        if (forwardedFor is not null) request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return await ApiCall.ReadAsync(await client.SendAsync(request));
    }

    [Fact]
    public async Task Without_trusted_proxies_the_connection_counts_and_a_forged_forwarded_for_changes_nothing() =>
        await WithServerAsync(new Limited(trustedProxies: 0), async server =>
        {
            var at = server.Client.BaseAddress!;
            (await BadCredentialsAsync(at, "127.0.0.2", "198.51.100.1")).AssertError(401, "unauthorized_credentials");
            (await BadCredentialsAsync(at, "127.0.0.2", "198.51.100.2")).AssertError(401, "unauthorized_credentials");
            (await BadCredentialsAsync(at, "127.0.0.2", "198.51.100.3")).AssertError(429, "too_many_requests"); // a new header, the same caller
            (await BadCredentialsAsync(at, "127.0.0.3", "198.51.100.3")).AssertError(401, "unauthorized_credentials"); // another caller
        });

    [Fact]
    public async Task With_one_trusted_proxy_the_address_it_appended_counts_whatever_the_caller_wrote_before_it() =>
        await WithServerAsync(new Limited(trustedProxies: 1), async server =>
        {
            var proxy = server.Client.BaseAddress!; // every request comes from the proxy's address, 127.0.0.1
            (await BadCredentialsAsync(proxy, "127.0.0.1", "203.0.113.5")).AssertError(401, "unauthorized_credentials");
            (await BadCredentialsAsync(proxy, "127.0.0.1", "198.51.100.9, 203.0.113.5")).AssertError(401, "unauthorized_credentials");
            (await BadCredentialsAsync(proxy, "127.0.0.1", "203.0.113.6, 203.0.113.5")).AssertError(429, "too_many_requests"); // forged left part
            (await BadCredentialsAsync(proxy, "127.0.0.1", "203.0.113.5, 203.0.113.6")).AssertError(401, "unauthorized_credentials"); // another client
            (await BadCredentialsAsync(proxy, "127.0.0.1", "[2001:db8::1]:443")).AssertError(401, "unauthorized_credentials");
        });

    [Fact]
    public async Task With_a_trusted_proxy_requests_that_did_not_come_through_it_share_one_bucket() =>
        await WithServerAsync(new Limited(trustedProxies: 2), async server =>
        {
            var at = server.Client.BaseAddress!;
            (await BadCredentialsAsync(at, "127.0.0.2", null)).AssertError(401, "unauthorized_credentials");
            (await BadCredentialsAsync(at, "127.0.0.3", "203.0.113.5")).AssertError(401, "unauthorized_credentials"); // one hop short
            (await BadCredentialsAsync(at, "127.0.0.4", "not-an-address, 203.0.113.5")).AssertError(429, "too_many_requests");
            (await BadCredentialsAsync(at, "127.0.0.4", "203.0.113.7, 203.0.113.5")).AssertError(401, "unauthorized_credentials");
        });
}
