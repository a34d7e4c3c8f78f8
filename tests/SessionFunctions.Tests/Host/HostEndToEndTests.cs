using System.Net;
using System.Text;
using System.Text.Json;
using SessionFunctions.Api;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Host;

/// <summary>
/// Black-box tests through a real Azure Functions host and its isolated worker (scripts/test-host.sh), with function
/// logging on: every route of the table runs the function that declares it, unknown paths and other verbs run a
/// catch-all, a session lives through migrate/authenticate/list/revoke, the timer and the queue function sweep expired
/// sessions (and keep live ones), and bad input gets Stytch's envelope.
/// One class, so its requests never interleave in the host's log.
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
    public async Task Telemetry_names_each_routed_request_by_its_own_function()
    {
        Assert.False(string.IsNullOrEmpty(host.TelemetryFile), "scripts/test-host.sh sets SF_HOST_OTLP_FILE");
        // Spans of earlier tests' requests (catch-alls among them) may still be on their way: the exporters send in
        // batches every 5 seconds. Let them arrive before this test's window opens.
        await Task.Delay(TimeSpan.FromSeconds(12));
        var offset = host.TelemetryLength;
        foreach (var route in SessionApiRoutes.All)
            await host.SendAsync(Request(route.Verb, PathOf(route), route.Verb is "POST" or "PUT" ? "{}" : null));

        // The exporters send every 5 seconds or so; wait until every name is there.
        string[] Expected(ApiRoute route) => [$"function {route.Name}"];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string exported;
        do
        {
            await Task.Delay(2000);
            exported = host.TelemetrySince(offset);
        } while (DateTime.UtcNow < deadline && !SessionApiRoutes.All.All(r => Expected(r).All(exported.Contains)));

        var missing = SessionApiRoutes.All.SelectMany(Expected).Where(name => !exported.Contains(name, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"Not in the exported telemetry: {string.Join(", ", missing)}.");
        Assert.DoesNotContain("function CatchAll", exported, StringComparison.Ordinal); // only routed requests were sent

        // And a request no route takes is exported under a catch-all (so the absence above is not blindness).
        var unrouted = host.TelemetryLength;
        await host.SendAsync(Request("GET", "/v1/b2b/nothing-here"));
        deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !host.TelemetrySince(unrouted).Contains("function CatchAllGet", StringComparison.Ordinal)) await Task.Delay(2000);
        Assert.Contains("function CatchAllGet", host.TelemetrySince(unrouted), StringComparison.Ordinal);
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
            ("DELETE", "/v1/b2b/sessions/revoke", "CatchAllDelete", 405, "POST"),
            ("DELETE", "/v1/b2b/rbac/policy", "CatchAllDelete", 405, "GET"),
            ("PATCH", "/v1/b2b/organizations/acme", "CatchAll", 405, "GET, PUT, DELETE"),
            ("PUT", "/v1/b2b/sessions/attest", "CatchAllPut", 405, "POST"),
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
    public async Task The_timer_and_the_queue_function_sweep_expired_sessions_and_keep_live_ones()
    {
        Assert.Contains("SweepExpiredSessions", host.OtherFunctions);
        Assert.Contains("SweepExpiryPartition", host.OtherFunctions);
        // Sessions of 5 minutes made 10 minutes ago (by the Server on the host's tables, its clock set back): expired now.
        var expired = new List<ApiCall>();
        var earlier = await EarlierServer.StartAsync(host.Storage, host.TablePrefix, host.ProjectId, host.Secret);
        try
        {
            var (organizationId, _, first) = await earlier.NewSessionAsync(durationMinutes: 5);
            expired.Add(first);
            for (var i = 0; i < 2; i++)
            {
                var email = $"expired{i}-{Guid.NewGuid():N}@example.com";
                await earlier.NewMemberAsync(organizationId, email);
                expired.Add((await earlier.MigrateAsync(organizationId, email, durationMinutes: 5)).AssertOk());
            }
        }
        finally
        {
            await earlier.StopAsync();
        }
        var live = await NewHostSessionAsync(durationMinutes: 60);
        var offset = host.LogLength;
        var rows = new TableRows(host.Storage, host.TablePrefix);
        foreach (var session in expired) Assert.True(await rows.HasSessionAsync(session), "the expired session was not written where the service keeps it");

        // Sweep__Schedule runs the timer every 5 seconds; each planned partition is a queue message.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var ran = host.ExecutedSince(offset);
            var failed = ran.Where(r => !r.Succeeded && host.OtherFunctions.Contains(r.Name)).Select(r => r.Name).Distinct().ToList();
            Assert.True(failed.Count == 0, $"Failed runs in the host's log: {string.Join(", ", failed)}.");
            var allGone = true;
            foreach (var session in expired) allGone &= !await rows.HasSessionAsync(session);
            if (allGone && host.OtherFunctions.All(f => ran.Any(r => r.Name == f && r.Succeeded))) break;
            await Task.Delay(1000);
        }
        var runs = host.ExecutedSince(offset);
        foreach (var function in host.OtherFunctions)
            Assert.True(runs.Any(r => r.Name == function && r.Succeeded), $"{function} never ran in 90 s (Sweep__Schedule every 5 s).");
        foreach (var session in expired) Assert.False(await rows.HasSessionAsync(session), "an expired session is still stored after the sweep");
        Assert.True(await rows.HasSessionAsync(live), "the sweep removed a live session");
        (await Read((await host.SendAsync(Request("POST", "/v1/b2b/sessions/authenticate", JsonSerializer.Serialize(new { session_token = live.Str("session_token") })))).Response)).AssertOk();
    }

    private async Task<ApiCall> NewHostSessionAsync(int durationMinutes)
    {
        var slug = "host-" + Guid.NewGuid().ToString("N")[..12];
        var email = $"ada.{slug}@example.com";
        var (created, _) = await host.SendAsync(Request("POST", "/v1/b2b/organizations", JsonSerializer.Serialize(new { organization_name = slug, organization_slug = slug })));
        var organizationId = (await Read(created)).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString()!;
        (await Read((await host.SendAsync(Request("POST", $"/v1/b2b/organizations/{organizationId}/members", JsonSerializer.Serialize(new { email_address = email })))).Response)).AssertOk();
        var legacy = await host.LegacyTokenAsync(email);
        var (migrated, _) = await host.SendAsync(Request("POST", "/v1/b2b/sessions/migrate",
            JsonSerializer.Serialize(new { session_token = legacy, organization_id = organizationId, session_duration_minutes = durationMinutes })));
        return (await Read(migrated)).AssertOk();
    }

    [HostFact]
    public async Task A_body_over_the_apis_limit_gets_the_413_envelope_and_one_over_the_hosts_never_reaches_the_app()
    {
        // Past Api__MaxRequestBodyBytes (64 KB) and within FUNCTIONS_REQUEST_BODY_SIZE_LIMIT (1 MiB, as infra sets it):
        // the app's envelope. Past the host's limit the host refuses it itself (README: what the host refuses).
        foreach (var (bytes, reachesApp) in new[] { (100_000, true), (1_000_000, true), (2_000_000, false), (31_000_000, false) })
        {
            var body = new ByteArrayContent(new byte[bytes]);
            body.Headers.ContentType = new("application/json");
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/b2b/sessions/migrate") { Content = body };
            if (reachesApp)
            {
                var (response, function) = await host.SendAsync(request);
                Assert.Equal("MigrateSession", function);
                (await Read(response)).AssertError(413, "bad_request");
                continue;
            }
            try
            {
                // The host answers an empty 500 and closes the connection; a client still sending sees it closed.
                using var refused = await host.Client.SendAsync(request);
                Assert.Equal(500, (int)refused.StatusCode);
                Assert.Equal("", await refused.Content.ReadAsStringAsync());
            }
            catch (HttpRequestException e) when (e.InnerException is IOException)
            {
            }
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
        // The path is decoded once, by the host's Kestrel, as on the Server: "%00" is an unknown id, not a NUL.
        var (percent, percentRan) = await host.SendAsync(Request("GET", "/v1/b2b/organizations/%2500"));
        Assert.Equal("GetOrganization", percentRan);
        (await Read(percent)).AssertError(404, "organization_not_found");
        // The host passes a body on only with a Content-Length; a chunked one is refused, not read as empty.
        var chunked = Request("POST", "/v1/b2b/sessions/authenticate");
        chunked.Content = new StreamContent(new MemoryStream("{\"session_token\":\"x\"}"u8.ToArray()));
        chunked.Content.Headers.ContentType = new("application/json");
        chunked.Headers.TransferEncodingChunked = true;
        (await Read((await host.SendAsync(chunked)).Response)).AssertError(411, "bad_request");
        var text = Request("POST", "/v1/b2b/sessions/authenticate");
        text.Content = new StringContent("session_token=x", Encoding.UTF8, "text/plain");
        Assert.Equal(415, (int)(await Read((await host.SendAsync(text)).Response)).Status);
    }
}
