using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.UserInfo;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Unit;

public sealed class UserInfoClientTests : IClassFixture<LoopbackUserInfoServer>, IDisposable
{
    private readonly LoopbackUserInfoServer server;
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly LogCapture _logs = new();
    private readonly LoggerFactory _loggers;

    public UserInfoClientTests(LoopbackUserInfoServer server)
    {
        this.server = server;
        _loggers = new LoggerFactory([_logs]);
    }

    public void Dispose()
    {
        _http.Dispose();
        _loggers.Dispose();
    }

    private ProviderClient Client(string url, TimeSpan? timeout = null) =>
        new(new UserInfoClient(_http, _loggers.CreateLogger<UserInfoClient>()), new LegacyProvider("test", new Uri(url), "email", true, timeout ?? TimeSpan.FromSeconds(5)));

    private sealed record ProviderClient(UserInfoClient Client, LegacyProvider Provider)
    {
        public Task<UserInfoResult> GetAsync(string token, CancellationToken ct) => Client.GetAsync(Provider, token, ct);
    }

    private string Url(string path) => server.BaseUrl + path;

    private static string NewToken() => "legacy-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task It_sends_a_get_with_the_bearer_token_and_accepts_json()
    {
        var token = NewToken();

        var result = await Client(Url("/ok")).GetAsync(token, CancellationToken.None);

        Assert.Equal("ada@example.com", result.Email);
        Assert.Equal("legacy|1", result.Subject);
        var request = Assert.Single(server.Requests, r => r.Authorization.EndsWith(token, StringComparison.Ordinal));
        Assert.Equal("GET", request.Method);
        Assert.Equal("/ok", request.Path);
        Assert.Equal("Bearer " + token, request.Authorization);
        Assert.Equal("application/json", request.Accept);
    }

    [Fact]
    public async Task The_legacy_token_is_never_logged()
    {
        var token = NewToken();

        await Assert.ThrowsAsync<SessionException>(() => Client(Url("/status/401")).GetAsync(token, CancellationToken.None));
        await Assert.ThrowsAsync<SessionException>(() => Client(Url("/slow"), TimeSpan.FromMilliseconds(200)).GetAsync(token, CancellationToken.None));

        Assert.NotEmpty(_logs.Lines);
        Assert.DoesNotContain(_logs.Lines, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_call_counts_towards_the_request_costs()
    {
        var costs = RequestCosts.Begin();

        await Client(Url("/ok")).GetAsync(NewToken(), CancellationToken.None);

        Assert.Equal(1, costs.UserInfoCalls);
    }

    [Fact]
    public async Task A_body_of_exactly_64_KB_is_read()
    {
        var result = await Client(Url($"/sized/{UserInfoClient.MaxResponseBytes}")).GetAsync(NewToken(), CancellationToken.None);

        Assert.Equal("ada@example.com", result.Email);
    }

    [Theory]
    [InlineData("/sized/65537")]
    [InlineData("/sized/1000000")]
    [InlineData("/chunked/65537")]
    [InlineData("/chunked/1000000")]
    public async Task A_body_over_64_KB_is_refused_as_a_bad_gateway(string path)
    {
        var e = await Assert.ThrowsAsync<SessionException>(() => Client(Url(path)).GetAsync(NewToken(), CancellationToken.None));

        Assert.Equal("migrate_from_external_unexpected_response", e.Type.Value);
        Assert.Equal(ErrorKind.BadGateway, e.Type.Kind);
        Assert.Contains("64 KB", e.Message);
    }

    [Fact]
    public async Task A_chunked_body_of_exactly_64_KB_is_read()
    {
        var result = await Client(Url($"/chunked/{UserInfoClient.MaxResponseBytes}")).GetAsync(NewToken(), CancellationToken.None);

        Assert.Equal("ada@example.com", result.Email);
    }

    [Fact]
    public async Task A_provider_slower_than_the_timeout_is_unavailable_and_gives_up_quickly()
    {
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<SessionException>(() => Client(Url("/slow"), TimeSpan.FromMilliseconds(200)).GetAsync(NewToken(), CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, e.Type.Kind);
        Assert.Equal("migrate_from_external_unexpected_response", e.Type.Value);
        Assert.Contains("0.2 s", e.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_caller_that_cancels_gets_a_cancellation_not_an_unavailable_provider()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(Url("/slow"), TimeSpan.FromSeconds(30)).GetAsync(NewToken(), cancel.Token));
    }

    [Fact]
    public async Task An_unreachable_provider_is_unavailable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var e = await Assert.ThrowsAsync<SessionException>(() => Client($"http://127.0.0.1:{port}/userinfo").GetAsync(NewToken(), CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, e.Type.Kind);
        Assert.Equal("migrate_from_external_unexpected_response", e.Type.Value);
    }

    [Theory]
    [InlineData(400, ErrorKind.BadRequest)]
    [InlineData(401, ErrorKind.BadRequest)]
    [InlineData(403, ErrorKind.BadRequest)]
    [InlineData(429, ErrorKind.Unavailable)]
    [InlineData(502, ErrorKind.Unavailable)]
    [InlineData(503, ErrorKind.Unavailable)]
    [InlineData(504, ErrorKind.Unavailable)]
    [InlineData(404, ErrorKind.BadGateway)]
    [InlineData(418, ErrorKind.BadGateway)]
    [InlineData(500, ErrorKind.BadGateway)]
    public async Task A_status_from_the_provider_maps_to_an_error_kind(int status, ErrorKind kind)
    {
        var e = await Assert.ThrowsAsync<SessionException>(() => Client(Url($"/status/{status}")).GetAsync(NewToken(), CancellationToken.None));

        Assert.Equal(kind, e.Type.Kind);
        Assert.Equal("migrate_from_external_unexpected_response", e.Type.Value);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public async Task A_successful_answer_that_is_not_json_is_a_bad_gateway()
    {
        var e = await Assert.ThrowsAsync<SessionException>(() => Client(Url("/html")).GetAsync(NewToken(), CancellationToken.None));

        Assert.Equal(ErrorKind.BadGateway, e.Type.Kind);
    }
}
