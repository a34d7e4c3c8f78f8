using System.Text.RegularExpressions;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

public sealed class MigrateTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_legacy_token_becomes_a_session_of_the_member_with_the_same_email()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, "ada@example.com");

        var call = (await server.MigrateAsync(organizationId, "ada@example.com")).AssertOk();

        Assert.Equal(memberId, call.Str("member_id"));
        Assert.Equal(memberId, call.Json.GetProperty("member").GetProperty("member_id").GetString());
        Assert.Equal(organizationId, call.Json.GetProperty("organization").GetProperty("organization_id").GetString());
        var session = call.Json.GetProperty("member_session");
        foreach (var field in new[] { "member_session_id", "member_id", "started_at", "last_accessed_at", "expires_at", "authentication_factors", "organization_id", "roles", "organization_slug", "custom_claims" })
            Assert.True(session.TryGetProperty(field, out _), $"member_session lacks {field}");
        Assert.Equal(memberId, session.GetProperty("member_id").GetString());
        Assert.StartsWith("member-session-test-", session.GetProperty("member_session_id").GetString());
        Assert.Equal(["stytch_member"], session.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task The_session_token_is_a_url_safe_random_string_of_at_least_256_bits()
    {
        var (_, _, first) = await server.NewSessionAsync();
        var (_, _, second) = await server.NewSessionAsync();

        var token = first.Str("session_token");
        Assert.Matches(new Regex("^[A-Za-z0-9_-]{108}$"), token); // 81 bytes: a 49-byte selector and 256 random bits
        Assert.NotEqual(token, second.Str("session_token"));
    }

    [Fact]
    public async Task The_session_token_is_stored_only_as_a_hash()
    {
        var (organizationId, _, call) = await server.NewSessionAsync();
        var token = call.Str("session_token");

        var service = new Azure.Data.Tables.TableServiceClient(TestStorage.ConnectionString);
        var partition = SessionRows.Partition(call);
        var rows = service.GetTableClient(server.TablePrefix + "Members").QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == partition);
        var stored = new List<string>();
        await foreach (var row in rows) stored.AddRange(((IDictionary<string, object>)row).Values.Select(v => v is byte[] b ? Convert.ToBase64String(b) : v?.ToString() ?? ""));

        Assert.DoesNotContain(stored, v => v.Contains(token, StringComparison.Ordinal));
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
        Assert.Contains(hash, stored);
    }

    [Fact]
    public async Task The_factor_says_the_session_was_imported_with_the_members_email()
    {
        var (_, _, call) = await server.NewSessionAsync();

        var factor = Assert.Single(call.Json.GetProperty("member_session").GetProperty("authentication_factors").EnumerateArray());
        Assert.Equal("imported", factor.GetProperty("type").GetString());
        Assert.Equal("imported_auth0", factor.GetProperty("delivery_method").GetString());
        Assert.Equal(call.Json.GetProperty("member").GetProperty("email_address").GetString(), factor.GetProperty("email_factor").GetProperty("email_address").GetString());
        Assert.StartsWith("email-test-", factor.GetProperty("email_factor").GetProperty("email_id").GetString());
        foreach (var field in new[] { "last_authenticated_at", "created_at", "updated_at" })
            Assert.Matches(new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"), factor.GetProperty(field).GetString());
    }

    [Fact]
    public async Task Emails_match_whatever_their_case()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, "Grace.Hopper@Example.COM");

        var call = (await server.MigrateAsync(organizationId, "  grace.hopper@EXAMPLE.com ")).AssertOk();

        Assert.Equal(memberId, call.Str("member_id"));
    }

    [Fact]
    public async Task The_organization_may_be_named_by_id_slug_or_external_id()
    {
        var slug = "slug-" + Guid.NewGuid().ToString("N")[..10];
        var externalId = "ext/" + Guid.NewGuid();
        var organizationId = await server.NewOrganizationAsync(slug, externalId);
        await server.NewMemberAsync(organizationId, "lin@example.com");

        foreach (var name in new[] { organizationId, slug, externalId })
            Assert.Equal(organizationId, (await server.MigrateAsync(name, "lin@example.com")).AssertOk()
                .Json.GetProperty("organization").GetProperty("organization_id").GetString());
    }

    [Fact]
    public async Task The_UserInfo_endpoint_gets_a_GET_with_the_legacy_token_as_a_bearer_token()
    {
        var organizationId = await server.NewOrganizationAsync();
        await server.NewMemberAsync(organizationId, "bob@example.com");
        var legacyToken = server.UserInfo.IssueToken("bob@example.com");

        (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = legacyToken, organization_id = organizationId })).AssertOk();

        Assert.Contains(server.UserInfo.Calls, c => c.Method == "GET" && c.Authorization == "Bearer " + legacyToken);
    }

    [Fact]
    public async Task A_session_lasts_sixty_minutes_unless_told_otherwise()
    {
        var (_, _, byDefault) = await server.NewSessionAsync();
        var (_, _, fiveMinutes) = await server.NewSessionAsync(durationMinutes: 5);

        Assert.Equal(TimeSpan.FromMinutes(60), Lifetime(byDefault));
        Assert.Equal(TimeSpan.FromMinutes(5), Lifetime(fiveMinutes));

        static TimeSpan Lifetime(ApiCall c) =>
            DateTimeOffset.Parse(c.Json.GetProperty("member_session").GetProperty("expires_at").GetString()!)
            - DateTimeOffset.Parse(c.Json.GetProperty("member_session").GetProperty("started_at").GetString()!);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(527041)]
    public async Task A_duration_outside_5_to_527040_minutes_is_refused(int minutes)
    {
        var organizationId = await server.NewOrganizationAsync();
        await server.NewMemberAsync(organizationId, "d@example.com");
        var calls = server.UserInfo.Calls.Count;

        (await server.MigrateAsync(organizationId, "d@example.com", minutes)).AssertError(400, "invalid_session_duration_minutes");
        Assert.Equal(calls, server.UserInfo.Calls.Count); // refused before the legacy provider was asked
    }

    [Fact]
    public async Task The_longest_allowed_duration_is_366_days()
    {
        var (_, _, call) = await server.NewSessionAsync(durationMinutes: 527040);
        Assert.Equal(200, call.Json.GetProperty("status_code").GetInt32());
    }

    [Fact]
    public async Task Custom_claims_are_kept_on_the_session_and_in_the_jwt_except_reserved_ones()
    {
        var claims = new Dictionary<string, object?>
        {
            ["tenant"] = "blue", ["plan"] = new { tier = "gold", seats = 5 }, ["gone"] = null,
            ["sub"] = "evil", ["iss"] = "evil", ["exp"] = 1, ["https://stytch.com/session"] = "evil",
        };
        var (_, memberId, call) = await server.NewSessionAsync(customClaims: claims);

        var stored = call.Json.GetProperty("member_session").GetProperty("custom_claims");
        Assert.Equal("blue", stored.GetProperty("tenant").GetString());
        Assert.Equal(5, stored.GetProperty("plan").GetProperty("seats").GetInt32());
        Assert.False(stored.TryGetProperty("gone", out _));
        Assert.False(stored.TryGetProperty("sub", out _));
        var payload = Jwts.Payload(call.Str("session_jwt"));
        Assert.Equal("blue", payload.GetProperty("tenant").GetString());
        Assert.Equal("gold", payload.GetProperty("plan").GetProperty("tier").GetString());
        Assert.Equal(memberId, payload.GetProperty("sub").GetString());
        Assert.StartsWith("stytch.com/", payload.GetProperty("iss").GetString());
        Assert.Equal(JsonValueKindObject, payload.GetProperty("https://stytch.com/session").ValueKind);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindObject = System.Text.Json.JsonValueKind.Object;

    [Fact]
    public async Task More_than_4_KB_of_custom_claims_is_refused_and_stores_nothing()
    {
        var organizationId = await server.NewOrganizationAsync();
        await server.NewMemberAsync(organizationId, "big@example.com");
        var before = await server.AllRowsAsync();

        (await server.MigrateAsync(organizationId, "big@example.com", customClaims: new { blob = new string('x', 4100) }))
            .AssertError(400, "custom_claims_too_large");

        Assert.Equal(before, await server.AllRowsAsync());
    }

    [Fact]
    public async Task Pending_and_invited_members_become_active()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, "new@example.com", pending: true);
        Assert.Equal("pending", (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={memberId}")).Json.GetProperty("member").GetProperty("status").GetString());

        var call = (await server.MigrateAsync(organizationId, "new@example.com")).AssertOk();

        Assert.Equal("active", call.Json.GetProperty("member").GetProperty("status").GetString());
        Assert.Equal("active", (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={memberId}")).Json.GetProperty("member").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Migrate_stays_within_its_budget_of_remote_calls()
    {
        var organizationId = await server.NewOrganizationAsync();
        await server.NewMemberAsync(organizationId, "budget@example.com");

        var call = (await server.MigrateAsync(organizationId, "budget@example.com")).AssertOk();

        Assert.Equal(1, call.Cost("userinfo"));
        Assert.Equal(1, call.Cost("signatures"));
        // Three round trips of latency: the member by email; its sessions (for the cap) beside the expiry index row; one transaction.
        Assert.Equal(4, call.Cost("tables"));
    }
}
