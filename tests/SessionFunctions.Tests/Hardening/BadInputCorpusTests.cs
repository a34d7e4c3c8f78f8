using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Hardening;

/// <summary>
/// Hundreds of malformed requests against every endpoint: broken JSON, wrong types, huge and deeply nested bodies,
/// huge headers, control and unicode characters, OData-special characters, duplicate keys, wrong content types and
/// verbs, bad credentials. Every answer must be a Stytch-shaped 4xx, and the store must be unchanged afterwards.
/// </summary>
public sealed class BadInputCorpusTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private sealed record BadRequest(string Name, HttpMethod Method, string Path, string? Body = null, string ContentType = "application/json",
        bool Authenticated = true, (string Name, string Value)? Header = null, string? RawAuthorization = null);

    private static readonly string[] BrokenJson =
    [
        "{", "}", "{\"a\":}", "{\"a\" 1}", "[", "null", "\"just a string\"", "42", "{'single': 'quotes'}", "{\"a\":1,}",
        "{\"a\":tru}", "\u0000", "{\"a\":\"unterminated}", "{\"a\":NaN}", "<xml/>",
    ];

    private static IEnumerable<BadRequest> Corpus(string organizationId, string memberId)
    {
        var post = new (string Path, string[] StringFields, string[] IntFields, string[] ObjectFields, string ValidJson)[]
        {
            ("/v1/b2b/organizations", ["organization_name", "organization_slug", "organization_external_id"], [], ["trusted_metadata"], "{\"organization_name\":\"x\",\"organization_slug\":\"x'y\"}"),
            ($"/v1/b2b/organizations/{organizationId}/members", ["email_address", "name", "external_id"], [], ["trusted_metadata"], "{\"email_address\":\"not an email\"}"),
            ("/v1/b2b/sessions/migrate", ["session_token", "organization_id"], ["session_duration_minutes"], ["session_custom_claims"], "{\"session_token\":\"t\",\"organization_id\":\"missing-org\"}"),
            ("/v1/b2b/sessions/authenticate", ["session_token", "session_jwt"], ["session_duration_minutes"], ["session_custom_claims"], "{\"session_token\":\"nope\"}"),
            ("/v1/b2b/sessions/revoke", ["member_session_id", "session_token", "session_jwt", "member_id"], [], [], "{\"member_session_id\":\"x\"}"),
        };
        var get = new[]
        {
            $"/v1/b2b/organizations/{Uri.EscapeDataString("organization-test-' or 1 eq 1")}",
            $"/v1/b2b/organizations/{organizationId}/member?member_id={Uri.EscapeDataString("' or PartitionKey ne '")}",
            $"/v1/b2b/organizations/{organizationId}/member?email_address={Uri.EscapeDataString("o'brien' or ''eq''@example.com")}",
            $"/v1/b2b/sessions?organization_id={Uri.EscapeDataString("' or ''eq''")}&member_id=x",
            $"/v1/b2b/sessions?organization_id={organizationId}&member_id={Uri.EscapeDataString("member-test-' or 1 eq 1")}",
            "/v1/b2b/sessions/jwks/" + Uri.EscapeDataString("project-test-'\"<>"),
        };
        var everyRoute = post.Select(p => (HttpMethod.Post, p.Path)).Concat(get.Select(g => (HttpMethod.Get, g)))
            .Append((HttpMethod.Delete, $"/v1/b2b/organizations/{organizationId}/members/{Uri.EscapeDataString("member-test-'x'")}")).ToList();

        foreach (var (path, strings, ints, objects, validJson) in post)
        {
            foreach (var json in BrokenJson) yield return new($"broken json {json}", HttpMethod.Post, path, json);
            foreach (var field in strings)
                foreach (var wrong in new[] { "5", "true", "[\"a\"]", "{\"a\":1}", "1.5" })
                    yield return new($"{field}={wrong}", HttpMethod.Post, path, $"{{\"{field}\":{wrong}}}");
            foreach (var field in ints)
                foreach (var wrong in new[] { "\"60\"", "60.5", "true", "[60]", "1e400", "99999999999" })
                    yield return new($"{field}={wrong}", HttpMethod.Post, path, $"{{\"{field}\":{wrong}}}");
            foreach (var field in objects)
                foreach (var wrong in new[] { "\"text\"", "[1,2]", "7", "{\"a\":1,\"a\":2}", "{\"a\":1,\"A\":2,\"a\":3}", "{\"n\":{\"x\":1,\"x\":2}}", "{\"l\":[{\"x\":1,\"x\":2}]}" })
                    yield return new($"{field}={wrong}", HttpMethod.Post, path, $"{{\"{field}\":{wrong}}}");
            yield return new("duplicate keys", HttpMethod.Post, path, $"{{\"{strings[0]}\":\"a\",\"{strings[0]}\":\"b\"}}");
            yield return new("huge body", HttpMethod.Post, path, $"{{\"{strings[0]}\":\"{new string('x', 70_000)}\"}}");
            yield return new("deep nesting", HttpMethod.Post, path, new string('[', 200) + new string(']', 200));
            yield return new("deep object", HttpMethod.Post, path, string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100));
            foreach (var type in new[] { "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x" })
                yield return new($"content type {type}", HttpMethod.Post, path, validJson, type);
            yield return new("no credentials", HttpMethod.Post, path, validJson, Authenticated: false);
            yield return new("control characters", HttpMethod.Post, path, $"{{\"{strings[0]}\":\"a\\u0000b\\u001f\\u007f\"}}");
            yield return new("lone surrogate", HttpMethod.Post, path, $"{{\"{strings[0]}\":\"\\ud800\"}}");
            yield return new("invalid utf-8", HttpMethod.Post, path, "{\"" + strings[0] + "\":\"\xff\xfe\"}");
            yield return new("semantically invalid", HttpMethod.Post, path, validJson);
        }
        foreach (var (field, path) in new[] { ("untrusted_metadata", $"/v1/b2b/organizations/{organizationId}/members"), ("trusted_metadata", $"/v1/b2b/organizations/{organizationId}/members") })
            foreach (var value in new[] { "{\"a\":1,\"a\":2}", "{\"a\":1,\"A\":2}", "{\"n\":{\"x\":1,\"x\":2}}" })
                yield return new($"{field} keys {value}", HttpMethod.Post, path, $"{{\"email_address\":\"not an email\",\"{field}\":{value}}}");
        foreach (var claims in new[] { string.Concat(Enumerable.Repeat("{\"a\":", 12)) + "1" + new string('}', 12), "{\"big\":\"" + new string('z', 5000) + "\"}" })
            foreach (var path in new[] { "/v1/b2b/sessions/migrate", "/v1/b2b/sessions/authenticate" })
                yield return new("bad custom claims", HttpMethod.Post, path, $"{{\"session_token\":\"t\",\"organization_id\":\"{organizationId}\",\"session_custom_claims\":{claims}}}");
        foreach (var email in new[] { "o'brien@example.com'", "\"quoted\"@example.com", "a@b'c", "null\u0000@example.com", "ü@例え.テスト'", "' or ''='" })
            yield return new($"odd email {email}", HttpMethod.Post, $"/v1/b2b/organizations/{organizationId}/members", JsonSerializer.Serialize(new { email_address = email, external_id = "" }));
        foreach (var slug in new[] { "it's", "a\"b", "x/y", "q?r", "h#i", "😀😀", "  ", "sl ug", new string('s', 129) })
            yield return new($"odd slug {slug}", HttpMethod.Post, "/v1/b2b/organizations", JsonSerializer.Serialize(new { organization_name = "n", organization_slug = slug }));
        foreach (var id in new[] { "organization-test-'", "' or 1 eq 1 or '", "organization-test-00000000-0000-0000-0000-00000000000G", "%00", "..%2F..%2F" })
            yield return new($"odd organization id {id}", HttpMethod.Post, "/v1/b2b/sessions/migrate", JsonSerializer.Serialize(new { session_token = "t", organization_id = id }));
        foreach (var (method, path) in everyRoute)
        {
            yield return new("huge header", method, path, method == HttpMethod.Post ? "{}" : null, Header: ("X-Padding", new string('h', 20_000)));
            yield return new("bearer instead of basic", method, path, method == HttpMethod.Post ? "{}" : null, RawAuthorization: "Bearer abc");
            yield return new("garbage basic", method, path, method == HttpMethod.Post ? "{}" : null, RawAuthorization: "Basic %%%not-base64%%%");
        }
        foreach (var (method, path) in new[] { (HttpMethod.Put, "/v1/b2b/organizations"), (HttpMethod.Patch, "/v1/b2b/sessions/migrate"), (HttpMethod.Get, "/v1/b2b/sessions/revoke"), (HttpMethod.Delete, "/v1/b2b/sessions"), (HttpMethod.Post, $"/v1/b2b/organizations/{organizationId}/member"), (HttpMethod.Patch, $"/v1/b2b/organizations/{organizationId}/members/{memberId}") })
            yield return new("wrong verb", method, path);
        for (var i = 0; i < 30; i++) // a flood of wrong credentials from one address: 401s, then that address's 429s
            yield return new("wrong credentials flood", HttpMethod.Post, "/v1/b2b/sessions/authenticate", "{}", RawAuthorization: "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"project-test-flood:guess-{i}")));
        yield return new("unknown route", HttpMethod.Get, "/v1/b2b/sessions/migrate/../../etc/passwd");
        yield return new("query repeated", HttpMethod.Get, $"/v1/b2b/sessions?organization_id={organizationId}&organization_id={organizationId}&member_id={memberId}");
        foreach (var bad in Issue9Corpus(organizationId, memberId)) yield return bad;
        foreach (var bad in RbacCorpus(organizationId)) yield return bad;
    }

    /// <summary>Organizations' custom roles, email implicit role assignments and authorization checks of the wrong shape.</summary>
    private static IEnumerable<BadRequest> RbacCorpus(string organizationId)
    {
        var policyPath = $"/v1/b2b/rbac/organizations/{organizationId}";
        foreach (var json in BrokenJson) yield return new($"broken json {json}", HttpMethod.Put, policyPath, json);
        foreach (var body in new[]
        {
            "{}", "{\"org_policy\":null}", "{\"org_policy\":\"text\"}", "{\"org_policy\":[1]}", "{\"org_policy\":{}}", "{\"org_policy\":{\"roles\":\"x\"}}",
            "{\"org_policy\":{\"roles\":[null]}}", "{\"org_policy\":{\"roles\":[7]}}", "{\"org_policy\":{\"roles\":[{\"role_id\":5}]}}",
            "{\"org_policy\":{\"roles\":[{\"role_id\":\"r\",\"permissions\":[null]}]}}",
            "{\"org_policy\":{\"roles\":[{\"role_id\":\"r\",\"permissions\":[{\"resource_id\":\"documents\",\"actions\":\"read\"}]}]}}",
            "{\"org_policy\":{\"roles\":[{\"role_id\":\"r\",\"permissions\":[{\"resource_id\":\"documents\",\"actions\":[null]}]}]}}",
            "{\"org_policy\":{\"roles\":[{\"role_id\":\"r\",\"permissions\":[{\"resource_id\":null,\"actions\":[\"read\"]}]}]}}",
            "{\"org_policy\":{\"roles\":[{\"role_id\":\"r\\u0000\",\"permissions\":[]}]}}",
        })
            yield return new("bad org_policy", HttpMethod.Put, policyPath, body);
        yield return new("org_policy of an unknown organization", HttpMethod.Put, "/v1/b2b/rbac/organizations/no-such-org", "{\"org_policy\":{\"roles\":[]}}");
        foreach (var assignments in new[] { "\"x\"", "[null]", "[7]", "[{\"domain\":5,\"role_id\":\"viewer\"}]", "[{\"domain\":\"x.example\"}]", "[{\"role_id\":\"viewer\"}]" })
        {
            yield return new("bad implicit role assignments", HttpMethod.Put, $"/v1/b2b/organizations/{organizationId}", $"{{\"rbac_email_implicit_role_assignments\":{assignments}}}");
            yield return new("bad implicit role assignments", HttpMethod.Post, "/v1/b2b/organizations", $"{{\"organization_name\":\"new\",\"rbac_email_implicit_role_assignments\":{assignments}}}");
        }
        foreach (var check in new[] { "\"text\"", "[1]", "{}", "{\"organization_id\":5}", "{\"organization_id\":\"o\",\"resource_id\":\"\",\"action\":\"a\"}" })
            yield return new("bad authorization_check", HttpMethod.Post, "/v1/b2b/sessions/authenticate", $"{{\"session_token\":\"nope\",\"authorization_check\":{check}}}");
    }

    /// <summary>Legacy tokens that are no bearer tokens, bad Idempotency-Keys, exchange, and the organization and member updates.</summary>
    private static IEnumerable<BadRequest> Issue9Corpus(string organizationId, string memberId)
    {
        foreach (var token in new[] { "a\r\nb", "a\nb", "a\u0000b", "t\u00f6k", "a b", "\u2603", "Bearer x", "=" })
            yield return new("non-token68 legacy token", HttpMethod.Post, "/v1/b2b/sessions/migrate", JsonSerializer.Serialize(new { session_token = token, organization_id = organizationId }));
        foreach (var key in new[] { "short", new string('k', 256), "has spaces in the key!" })
            yield return new("bad idempotency key", HttpMethod.Post, "/v1/b2b/sessions/migrate", JsonSerializer.Serialize(new { session_token = "t", organization_id = organizationId }), Header: ("Idempotency-Key", key));
        var updates = new (HttpMethod Method, string Path, string[] StringFields, string[] ObjectFields, string InvalidJson)[]
        {
            (HttpMethod.Post, "/v1/b2b/sessions/exchange", ["organization_id", "session_token", "session_jwt"], ["session_custom_claims"], $"{{\"organization_id\":\"{organizationId}\",\"session_token\":\"nope\"}}"),
            (HttpMethod.Put, $"/v1/b2b/organizations/{organizationId}", ["organization_name", "organization_slug", "organization_external_id"], ["trusted_metadata"], "{\"organization_slug\":\"x'y\"}"),
            (HttpMethod.Put, $"/v1/b2b/organizations/{organizationId}/members/{memberId}", ["name", "external_id"], ["trusted_metadata", "untrusted_metadata"], "{\"roles\":[\"\"]}"),
        };
        foreach (var (method, path, strings, objects, invalidJson) in updates)
        {
            foreach (var json in BrokenJson) yield return new($"broken json {json}", method, path, json);
            foreach (var field in strings)
                foreach (var wrong in new[] { "5", "true", "[\"a\"]", "{\"a\":1}" })
                    yield return new($"{field}={wrong}", method, path, $"{{\"{field}\":{wrong}}}");
            foreach (var field in objects)
                foreach (var wrong in new[] { "\"text\"", "[1,2]", "7" })
                    yield return new($"{field}={wrong}", method, path, $"{{\"{field}\":{wrong}}}");
            yield return new("duplicate keys", method, path, $"{{\"{strings[0]}\":\"a\",\"{strings[0]}\":\"b\"}}");
            yield return new("huge body", method, path, $"{{\"{strings[0]}\":\"{new string('x', 70_000)}\"}}");
            yield return new("control characters", method, path, $"{{\"{strings[0]}\":\"a\\u0000b\"}}");
            yield return new("content type text/plain", method, path, invalidJson, "text/plain");
            yield return new("no credentials", method, path, invalidJson, Authenticated: false);
            yield return new("semantically invalid", method, path, invalidJson);
        }
        foreach (var metadata in new[] { "{\"legacy_provider\":\"nope\"}", "{\"legacy_provider\":null}", "{\"legacy_provider\":1}", "{\"big\":\"" + new string('m', 5000) + "\"}" })
        {
            yield return new("bad trusted_metadata", HttpMethod.Put, $"/v1/b2b/organizations/{organizationId}", $"{{\"organization_name\":\"changed\",\"trusted_metadata\":{metadata}}}");
            yield return new("bad trusted_metadata", HttpMethod.Post, "/v1/b2b/organizations", $"{{\"organization_name\":\"new\",\"trusted_metadata\":{metadata}}}");
        }
        foreach (var body in new[] { "{\"external_id\":\"member-test-00000000000000000000000000000000ffffffffffffffffffffffffffffffff\",\"name\":\"n\"}", "{\"roles\":[\"a\\u0001\"],\"name\":\"n\"}", "{\"name\":\"" + new string('n', 300) + "\"}" })
            yield return new("bad member update", HttpMethod.Put, $"/v1/b2b/organizations/{organizationId}/members/{memberId}", body);
        yield return new("update of an unknown member", HttpMethod.Put, $"/v1/b2b/organizations/{organizationId}/members/member-test-nope", "{\"name\":\"n\"}");
        yield return new("update of an unknown organization", HttpMethod.Put, "/v1/b2b/organizations/no-such-org", "{\"organization_name\":\"n\"}");
    }

    [Fact]
    public async Task Every_malformed_request_gets_a_stytch_shaped_4xx_and_changes_nothing()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, "target@example.com");
        var corpus = Corpus(organizationId, memberId).Concat(await SignedJwtCorpusAsync()).ToList();
        Assert.True(corpus.Count >= 200, $"the corpus has only {corpus.Count} requests");
        var before = await server.AllRowsAsync();
        var errorLines = ErrorLines().Count;
        var failures = new List<string>();

        foreach (var bad in corpus)
        {
            using var request = new HttpRequestMessage(bad.Method, bad.Path);
            if (bad.Body is not null)
                request.Content = new ByteArrayContent(bad.Name == "invalid utf-8" ? Encoding.Latin1.GetBytes(bad.Body) : Encoding.UTF8.GetBytes(bad.Body))
                    { Headers = { ContentType = MediaTypeHeaderValue.Parse(bad.ContentType) } };
            if (bad.Header is { } h) request.Headers.TryAddWithoutValidation(h.Name, h.Value);
            if (bad.RawAuthorization is { } raw) request.Headers.TryAddWithoutValidation("Authorization", raw);
            var client = bad.Authenticated && bad.RawAuthorization is null ? server.Client : server.Anonymous;
            var call = await ApiCall.ReadAsync(await client.SendAsync(request));
            var status = (int)call.Status;
            if (status is < 400 or > 499 || call.Json.ValueKind != JsonValueKind.Object || call.ErrorType is null
                || call.Json.GetProperty("status_code").GetInt32() != status || !call.Json.TryGetProperty("request_id", out _)
                || !call.Json.TryGetProperty("error_message", out _) || !call.Json.TryGetProperty("error_url", out _))
                failures.Add($"{bad.Method} {bad.Path[..Math.Min(80, bad.Path.Length)]} [{bad.Name[..Math.Min(60, bad.Name.Length)]}] -> {status} {call.Raw[..Math.Min(200, call.Raw.Length)]}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} answers were not Stytch-shaped 4xx:\n" + string.Join("\n", failures));
        Assert.Equal(before, await server.AllRowsAsync());
        Assert.Equal([], ErrorLines().Skip(errorLines)); // a client's mistake is never an Error in the log
    }

    /// <summary>Session JWTs signed with the server's own key whose claims are wrong: refused before anything is written.</summary>
    private async Task<List<BadRequest>> SignedJwtCorpusAsync()
    {
        var jwt = (await server.NewSessionAsync()).Session.Str("session_jwt");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var flaws = new (string Name, Action<System.Text.Json.Nodes.JsonObject> Edit)[]
        {
            ("no exp", p => p.Remove("exp")), ("no iat", p => p.Remove("iat")), ("no nbf", p => p.Remove("nbf")),
            ("exp as a string", p => p["exp"] = (now + 300).ToString()), ("nbf an hour ahead", p => { p["nbf"] = now + 3600; p["exp"] = now + 3900; }),
            ("exp before iat", p => p["exp"] = now - 600), ("another audience", p => p["aud"] = new System.Text.Json.Nodes.JsonArray("project-test-other")),
            ("another issuer", p => p["iss"] = "stytch.com/project-test-other"), ("no session claim", p => p.Remove("https://stytch.com/session")),
        };
        var requests = new List<BadRequest>();
        foreach (var (name, edit) in flaws)
        {
            var bad = await Jwts.ResignAsync(server, jwt, edit);
            requests.Add(new($"signed jwt, {name}", HttpMethod.Post, "/v1/b2b/sessions/authenticate", JsonSerializer.Serialize(new { session_jwt = bad, session_duration_minutes = 600 })));
            requests.Add(new($"signed jwt, {name}", HttpMethod.Post, "/v1/b2b/sessions/revoke", JsonSerializer.Serialize(new { session_jwt = bad })));
        }
        return requests;
    }

    private List<string> ErrorLines() => server.Logs.Lines.Where(l => l.StartsWith("Error ", StringComparison.Ordinal) || l.StartsWith("Critical ", StringComparison.Ordinal)).ToList();

    // ---- keys inside session_custom_claims, trusted_metadata and untrusted_metadata: JSON names are case-sensitive --

    [Theory]
    [InlineData("/v1/b2b/sessions/migrate", "session_custom_claims")]
    [InlineData("/v1/b2b/sessions/authenticate", "session_custom_claims")]
    [InlineData("/v1/b2b/organizations", "trusted_metadata")]
    [InlineData("members", "trusted_metadata")]
    [InlineData("members", "untrusted_metadata")]
    public async Task A_key_given_twice_inside_an_object_field_is_a_400_bad_request_and_no_error_log(string path, string field)
    {
        if (path == "members") path = $"/v1/b2b/organizations/{await server.NewOrganizationAsync()}/members";
        var errorLines = ErrorLines().Count;
        var before = await server.AllRowsAsync();

        foreach (var value in new[] { "{\"a\":1,\"a\":2}", "{\"a\":1,\"A\":2,\"A\":3}", "{\"n\":{\"x\":1,\"x\":2}}" })
        {
            var call = await server.PostRawAsync(path, $"{{\"{field}\":{value},\"email_address\":\"dup-{Guid.NewGuid():N}@example.com\",\"organization_name\":\"Dup\",\"organization_slug\":\"dup-{Guid.NewGuid():N}\",\"session_token\":\"t\",\"organization_id\":\"x\"}}");
            call.AssertError(400, "bad_request");
            Assert.Contains("duplicate", call.Str("error_message"), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(before, await server.AllRowsAsync());
        Assert.Equal([], ErrorLines().Skip(errorLines));
    }

    [Fact]
    public async Task Keys_that_differ_only_in_case_are_distinct_in_metadata_and_claims_as_stored_and_signed()
    {
        var organization = (await server.PostRawAsync("/v1/b2b/organizations",
            $$$"""{"organization_name":"Case","organization_slug":"case-{{{Guid.NewGuid():N}}}","trusted_metadata":{"a":1,"A":2}}""")).AssertOk();
        var organizationId = organization.Json.GetProperty("organization").GetProperty("organization_id").GetString()!;
        var stored = (await server.GetAsync($"/v1/b2b/organizations/{organizationId}")).AssertOk();
        Assert.Equal("""{"a":1,"A":2}""", stored.Json.GetProperty("organization").GetProperty("trusted_metadata").GetRawText());

        var email = $"case-{Guid.NewGuid():N}@example.com";
        (await server.PostRawAsync($"/v1/b2b/organizations/{organizationId}/members",
            $$$"""{"email_address":"{{{email}}}","trusted_metadata":{"k":1,"K":2},"untrusted_metadata":{"u":{"v":1,"V":2},"w":0}}""")).AssertOk();
        var member = (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?email_address={Uri.EscapeDataString(email)}")).AssertOk().Json.GetProperty("member");
        Assert.Equal("""{"k":1,"K":2}""", member.GetProperty("trusted_metadata").GetRawText());
        Assert.Equal("""{"u":{"v":1,"V":2},"w":0}""", member.GetProperty("untrusted_metadata").GetRawText());

        var migrated = (await server.PostRawAsync("/v1/b2b/sessions/migrate",
            $$$"""{"session_token":"{{{server.UserInfo.IssueToken(email)}}}","organization_id":"{{{organizationId}}}","session_custom_claims":{"c":1,"C":2}}""")).AssertOk();
        var again = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = migrated.Str("session_token") })).AssertOk(); // from the stored row
        Assert.Equal("""{"c":1,"C":2}""", again.Json.GetProperty("member_session").GetProperty("custom_claims").GetRawText());
        var jwt = Jwts.Payload(again.Str("session_jwt"));
        Assert.Equal((1, 2), (jwt.GetProperty("c").GetInt32(), jwt.GetProperty("C").GetInt32()));
    }
}
