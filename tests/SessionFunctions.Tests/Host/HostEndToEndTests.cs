using System.Net;
using System.Text;
using System.Text.Json;
using SessionFunctions.Api;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Host;

/// <summary>
/// Black-box tests through a real Azure Functions host and its isolated worker (scripts/test-host.sh), with function
/// logging on: every route of the table runs the function that declares it, unknown paths and other verbs run a
/// catch-all, a session lives through migrate/authenticate/list/revoke, every timer and queue function runs, and bad
/// input gets Stytch's envelope. One class, so its requests never interleave in the host's log.
/// </summary>
public sealed class HostEndToEndTests(HostFixture host) : IClassFixture<HostFixture>
{
    private static string PathOf(ApiRoute route) =>
        "/" + string.Join('/', route.Template.Split('/').Select(s => s.StartsWith('{') ? "value-of-" + s.Trim('{', '}') : s));

    private static HttpRequestMessage Request(string verb, string path, string? json = null) =>
        new(new HttpMethod(verb), path) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };

    private static async Task<ApiCall> Read(HttpResponseMessage response) => await ApiCall.ReadAsync(response);

    [HostFact]
    public async Task Every_route_runs_its_own_function()
    {
        foreach (var route in SessionApiRoutes.All)
        {
            var (response, function) = await host.SendAsync(Request(route.Verb, PathOf(route), route.Verb is "POST" or "PUT" ? "{}" : null));
            Assert.True(route.Name == function, $"{route.Verb} {route.Template} ran {function}, not {route.Name}.");
            var call = await Read(response);
            Assert.True((int)call.Status < 500, $"{route.Verb} {route.Template}: {(int)call.Status} {call.Raw}");
            Assert.Equal((int)call.Status, call.Json.GetProperty("status_code").GetInt32());
        }
    }

    [HostFact]
    public async Task Unknown_paths_and_other_verbs_run_a_catch_all()
    {
        (string Verb, string Path, string Function, int Status, string? Allow)[] cases =
        [
            ("GET", "/v1/b2b/nothing-here", "CatchAllGet", 404, null),
            ("GET", "/v1/b2b/sessions/migrate", "CatchAllGet", 405, "POST"),
            ("POST", "/v1/b2b/sessions", "CatchAllPost", 405, "GET"),
            ("POST", "/v1/b2b/sessions/migrate/extra", "CatchAllPost", 404, null),
            ("PUT", "/v1/b2b/sessions/revoke", "CatchAllPut", 405, "POST"),
            ("DELETE", "/v1/b2b/organizations/acme", "CatchAllDelete", 405, "GET, PUT"),
            ("PATCH", "/v1/b2b/organizations/acme", "CatchAll", 405, "GET, PUT"),
            ("OPTIONS", "/x", "CatchAll", 404, null),
        ];
        foreach (var (verb, path, function, status, allow) in cases)
        {
            var (response, ran) = await host.SendAsync(Request(verb, path));
            Assert.True(function == ran, $"{verb} {path} ran {ran}, not {function}.");
            (await Read(response)).AssertError(status, status == 404 ? "route_not_found" : "method_not_allowed");
            if (allow is not null) Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        }
    }

    [HostFact]
    public async Task A_session_lives_through_the_host()
    {
        var slug = "host-" + Guid.NewGuid().ToString("N")[..12];
        var email = $"ada.{slug}@example.com";
        var (created, _) = await host.SendAsync(Request("POST", "/v1/b2b/organizations", JsonSerializer.Serialize(new { organization_name = slug, organization_slug = slug })));
        var organizationId = (await Read(created)).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString()!;
        var (member, _) = await host.SendAsync(Request("POST", $"/v1/b2b/organizations/{organizationId}/members", JsonSerializer.Serialize(new { email_address = email })));
        var memberId = (await Read(member)).AssertOk().Json.GetProperty("member").GetProperty("member_id").GetString()!;

        var legacy = await host.LegacyTokenAsync(email);
        var (migrated, _) = await host.SendAsync(Request("POST", "/v1/b2b/sessions/migrate", JsonSerializer.Serialize(new { session_token = legacy, organization_id = slug })));
        var session = (await Read(migrated)).AssertOk();
        var token = session.Str("session_token");
        var jwt = session.Str("session_jwt");

        (await Read((await host.SendAsync(Request("POST", "/v1/b2b/sessions/authenticate", JsonSerializer.Serialize(new { session_token = token })))).Response)).AssertOk();
        (await Read((await host.SendAsync(Request("POST", "/v1/b2b/sessions/authenticate", JsonSerializer.Serialize(new { session_jwt = jwt })))).Response)).AssertOk();
        var (listed, _) = await host.SendAsync(Request("GET", $"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}"));
        Assert.Single((await Read(listed)).AssertOk().Json.GetProperty("member_sessions").EnumerateArray());
        var (jwks, _) = await host.SendAsync(Request("GET", $"/v1/b2b/sessions/jwks/{host.ProjectId}"), host.Anonymous);
        Assert.NotEmpty((await Read(jwks)).Json.GetProperty("keys").EnumerateArray());

        (await Read((await host.SendAsync(Request("POST", "/v1/b2b/sessions/revoke", JsonSerializer.Serialize(new { session_token = token })))).Response)).AssertOk();
        var (again, _) = await host.SendAsync(Request("POST", "/v1/b2b/sessions/authenticate", JsonSerializer.Serialize(new { session_token = token })));
        Assert.Equal(HttpStatusCode.NotFound, (await Read(again)).Status);
    }

    [HostFact]
    public async Task Every_timer_and_queue_function_runs_and_succeeds()
    {
        Assert.NotEmpty(host.OtherFunctions);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        List<string> missing;
        do
        {
            var ran = host.ExecutedSince(0);
            var failed = ran.Where(r => !r.Succeeded && host.OtherFunctions.Contains(r.Name)).Select(r => r.Name).Distinct().ToList();
            Assert.True(failed.Count == 0, $"Failed runs in the host's log: {string.Join(", ", failed)}.");
            missing = [.. host.OtherFunctions.Where(f => !ran.Any(r => r.Name == f && r.Succeeded))];
            if (missing.Count == 0) return;
            await Task.Delay(1000);
        } while (DateTime.UtcNow < deadline);
        Assert.Fail($"Never ran (90 s, Sweep__Schedule every 5 s): {string.Join(", ", missing)}.");
    }

    [HostFact]
    public async Task An_over_size_body_gets_the_413_envelope_not_an_empty_500()
    {
        // Past the worker's own Kestrel limit (30,000,000 bytes) and up to the host's (104,857,600).
        foreach (var megabytes in new[] { 1, 31, 100 })
        {
            var body = new ByteArrayContent(new byte[megabytes * 1_000_000]);
            body.Headers.ContentType = new("application/json");
            var (response, function) = await host.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/b2b/sessions/migrate") { Content = body });
            Assert.Equal("MigrateSession", function);
            (await Read(response)).AssertError(413, "bad_request");
        }
    }

    [HostFact]
    public async Task Bad_input_the_worker_sees_gets_the_envelope()
    {
        var big = new HttpRequestMessage(HttpMethod.Get, "/v1/b2b/sessions?organization_id=x&member_id=y");
        big.Headers.Add("X-Padding", new string('a', 20 * 1024)); // above Api__MaxRequestHeaderBytes, below the host's Kestrel limit
        (await Read((await host.SendAsync(big)).Response)).AssertError(431, "bad_request");
        (await Read((await host.SendAsync(Request("POST", "/v1/b2b/sessions/authenticate", "{\"session_token\":"))).Response)).AssertError(400, "bad_request");
        // An empty segment inside the path reaches a catch-all (one at the start never reaches the app: README).
        var (doubled, ran) = await host.SendAsync(Request("GET", "/v1//b2b/sessions"));
        Assert.Equal("CatchAllGet", ran);
        (await Read(doubled)).AssertError(404, "route_not_found");
        var text = Request("POST", "/v1/b2b/sessions/authenticate");
        text.Content = new StringContent("session_token=x", Encoding.UTF8, "text/plain");
        Assert.Equal(415, (int)(await Read((await host.SendAsync(text)).Response)).Status);
    }
}
