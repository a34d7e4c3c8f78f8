using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.FirstSight;

/// <summary>Just-in-time members: an organization with RESTRICTED provisioning creates the member a provider vouches for.</summary>
public sealed class FirstSightTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<string> RestrictedOrganizationAsync(params string[] domains)
    {
        var organizationId = await server.NewOrganizationAsync();
        (await server.PutAsync("/v1/b2b/organizations/" + organizationId,
            new { email_jit_provisioning = "RESTRICTED", email_allowed_domains = domains.Length > 0 ? domains : ["corp.example"] })).AssertOk();
        return organizationId;
    }

    private async Task<ApiCall> MigrateAsync(string organizationId, string email, string? name = null, bool verified = true)
    {
        server.RememberEmail(email);
        var token = server.UserInfo.TokenWithClaims(new Dictionary<string, object?> { ["sub"] = "legacy|" + email, ["email"] = email, ["email_verified"] = verified, ["name"] = name });
        return await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = token, organization_id = organizationId });
    }

    private static string NewEmail(string domain = "corp.example") => $"u{Guid.NewGuid():N}@{domain}";

    [Fact]
    public async Task A_verified_email_of_an_allowed_domain_becomes_an_active_member_with_a_session_in_one_call()
    {
        var organizationId = await RestrictedOrganizationAsync();
        var email = NewEmail("Corp.Example");

        var call = (await MigrateAsync(organizationId, email, name: "Ada Lovelace")).AssertOk();

        var member = call.Json.GetProperty("member");
        Assert.Equal("active", member.GetProperty("status").GetString());
        Assert.Equal("Ada Lovelace", member.GetProperty("name").GetString());
        Assert.Equal(email, member.GetProperty("email_address").GetString());
        Assert.True(member.GetProperty("email_address_verified").GetBoolean());
        Assert.Equal(member.GetProperty("member_id").GetString(), call.Json.GetProperty("member_session").GetProperty("member_id").GetString());
        // A first sight costs one table call more than a migrate: the member lookup misses, the member's transaction, then
        // the member's sessions (for the cap) beside the expiry index row, and the session's transaction.
        Assert.Equal(5, call.Cost("tables"));
        Assert.Equal(1, call.Cost("userinfo"));

        var read = (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?email_address={Uri.EscapeDataString(email)}")).AssertOk();
        Assert.Equal(member.GetProperty("member_id").GetString(), read.Str("member_id"));
        var again = (await MigrateAsync(organizationId, email)).AssertOk();
        Assert.Equal(member.GetProperty("member_id").GetString(), again.Str("member_id"));
        Assert.Equal(4, again.Cost("tables")); // from then on, an ordinary migrate
        Assert.True((await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = call.Str("session_token") })).AssertOk().Json.TryGetProperty("member", out _));
    }

    [Fact]
    public async Task Another_domain_or_an_organization_that_does_not_provision_answers_as_for_an_unknown_email()
    {
        var restricted = await RestrictedOrganizationAsync("corp.example");
        var closed = await server.NewOrganizationAsync();
        (await server.PutAsync("/v1/b2b/organizations/" + closed, new { email_allowed_domains = new[] { "corp.example" } })).AssertOk(); // NOT_ALLOWED

        (await MigrateAsync(restricted, NewEmail("other.example"))).AssertError(404, "migrate_from_external_email_does_not_exist");
        (await MigrateAsync(restricted, NewEmail("sub.corp.example"))).AssertError(404, "migrate_from_external_email_does_not_exist");
        (await MigrateAsync(closed, NewEmail())).AssertError(404, "migrate_from_external_email_does_not_exist");
        (await MigrateAsync(restricted, NewEmail(), verified: false)).AssertError(400, "oidc_response_unverified_email");
        Assert.DoesNotContain(await server.AllRowsAsync(), r => r.Contains($"Members/{restricted}/member|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deleted_member_is_never_recreated_by_first_sight()
    {
        var organizationId = await RestrictedOrganizationAsync();
        var email = NewEmail();
        var memberId = (await MigrateAsync(organizationId, email)).AssertOk().Str("member_id");
        (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertOk();

        (await MigrateAsync(organizationId, email)).AssertError(404, "migrate_from_external_email_does_not_exist");
        (await MigrateAsync(organizationId, email.ToUpperInvariant())).AssertError(404, "migrate_from_external_email_does_not_exist");

        var read = (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?email_address={Uri.EscapeDataString(email)}"));
        Assert.NotEqual(System.Net.HttpStatusCode.OK, read.Status); // still the deleted member, nobody new
    }

    [Fact]
    public async Task Thirty_two_concurrent_first_sights_make_exactly_one_member_and_each_gets_a_session_of_it()
    {
        var organizationId = await RestrictedOrganizationAsync();
        var email = NewEmail();

        var calls = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => MigrateAsync(organizationId, email)));

        foreach (var call in calls) call.AssertOk();
        Assert.Single(calls.Select(c => c.Str("member_id")).Distinct());
        Assert.Equal(32, calls.Select(c => c.Json.GetProperty("member_session").GetProperty("member_session_id").GetString()).Distinct().Count());
        var rows = await server.AllRowsAsync();
        // The member's partition is {organization_id}|{shard}; its member row and its email row, and no second member.
        Assert.Single(rows, r => r.StartsWith($"Members/{organizationId}|", StringComparison.Ordinal) && r.Contains("/member|") && !r.Contains("|session|"));
        Assert.Single(rows, r => r.StartsWith($"Members/{organizationId}|", StringComparison.Ordinal) && r.Contains("/email|"));
        var sessions = (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={calls[0].Str("member_id")}")).AssertOk();
        Assert.Equal(32, sessions.Json.GetProperty("member_sessions").GetArrayLength());
    }

    [Fact]
    public async Task Exchange_creates_the_member_in_a_restricted_organization_when_the_email_was_proven_by_the_provider()
    {
        var origin = await server.NewOrganizationAsync();
        var email = NewEmail();
        await server.NewMemberAsync(origin, email);
        var session = (await server.MigrateAsync(origin, email)).AssertOk();
        var target = await RestrictedOrganizationAsync();

        var exchanged = (await server.PostAsync("/v1/b2b/sessions/exchange", new { session_token = session.Str("session_token"), organization_id = target })).AssertOk();

        Assert.Equal(target, exchanged.Json.GetProperty("member").GetProperty("organization_id").GetString());
        Assert.Equal("active", exchanged.Json.GetProperty("member").GetProperty("status").GetString());
    }
}
