using Azure;
using Azure.Data.Tables;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>POST /v1/b2b/sessions/exchange: a member's session becomes a session of another organization where the same email is a member.</summary>
public sealed class ExchangeTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    /// <summary>A member of two organizations (pending in the second) and a migrated session in the first.</summary>
    private async Task<(string From, string To, string ToMemberId, ApiCall Session, string Email)> TwoOrganizationsAsync(bool pending = true)
    {
        var from = await server.NewOrganizationAsync();
        var to = await server.NewOrganizationAsync();
        var email = $"switch-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(from, email);
        var toMemberId = await server.NewMemberAsync(to, email.ToUpperInvariant(), pending: pending, roles: ["editor"]);
        var session = (await server.MigrateAsync(from, email)).AssertOk();
        return (from, to, toMemberId, session, email);
    }

    private Task<ApiCall> ExchangeAsync(object body) => server.PostAsync("/v1/b2b/sessions/exchange", body);

    [Fact]
    public async Task A_session_is_exchanged_for_one_of_the_member_with_the_same_email_in_the_other_organization()
    {
        var (from, to, toMemberId, session, _) = await TwoOrganizationsAsync();

        var call = (await ExchangeAsync(new { organization_id = to, session_token = session.Str("session_token"), session_duration_minutes = 30, session_custom_claims = new { team = "b" } })).AssertOk();

        Assert.Equal(toMemberId, call.Str("member_id"));
        Assert.True(call.Json.GetProperty("member_authenticated").GetBoolean());
        Assert.Equal("", call.Str("intermediate_session_token"));
        Assert.Equal("active", call.Json.GetProperty("member").GetProperty("status").GetString()); // the pending member accepted
        Assert.Equal(to, call.Json.GetProperty("organization").GetProperty("organization_id").GetString());
        var memberSession = call.Json.GetProperty("member_session");
        Assert.Equal(to, memberSession.GetProperty("organization_id").GetString());
        Assert.Equal(["stytch_member", "editor"], memberSession.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("b", memberSession.GetProperty("custom_claims").GetProperty("team").GetString());
        var expires = DateTimeOffset.Parse(memberSession.GetProperty("expires_at").GetString()!) - DateTimeOffset.Parse(memberSession.GetProperty("started_at").GetString()!);
        Assert.Equal(TimeSpan.FromMinutes(30), expires);

        // The factors say where it came from: the legacy login imported into the first organization, kept as it was.
        var original = Assert.Single(session.Json.GetProperty("member_session").GetProperty("authentication_factors").EnumerateArray());
        var carried = Assert.Single(memberSession.GetProperty("authentication_factors").EnumerateArray());
        Assert.Equal("imported", carried.GetProperty("type").GetString());
        Assert.Equal("imported_auth0", carried.GetProperty("delivery_method").GetString());
        Assert.Equal(original.GetProperty("last_authenticated_at").GetString(), carried.GetProperty("last_authenticated_at").GetString());
        Assert.NotEqual(original.GetProperty("email_factor").GetProperty("email_id").GetString(), carried.GetProperty("email_factor").GetProperty("email_id").GetString());

        // Both sessions work, side by side.
        var authenticated = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = call.Str("session_token") })).AssertOk();
        Assert.Equal(toMemberId, authenticated.Json.GetProperty("member").GetProperty("member_id").GetString());
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertOk();
        Assert.NotEqual(from, to);
    }

    [Fact]
    public async Task The_session_may_be_named_by_its_jwt_and_the_organization_by_its_slug()
    {
        var from = await server.NewOrganizationAsync();
        var slug = "to-" + Guid.NewGuid().ToString("N")[..10];
        var to = await server.NewOrganizationAsync(slug);
        var email = $"jwt-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(from, email);
        var toMemberId = await server.NewMemberAsync(to, email);
        var session = (await server.MigrateAsync(from, email)).AssertOk();

        var call = (await ExchangeAsync(new { organization_id = slug, session_jwt = session.Str("session_jwt") })).AssertOk();

        Assert.Equal(toMemberId, call.Str("member_id"));
        Assert.NotEqual("", call.Str("session_token"));
    }

    [Fact]
    public async Task Exchange_costs_one_signature_no_userinfo_call_and_five_table_calls()
    {
        var (_, to, _, session, _) = await TwoOrganizationsAsync();

        var call = (await ExchangeAsync(new { organization_id = to, session_token = session.Str("session_token") })).AssertOk();

        Assert.Equal(1, call.Cost("signatures"));
        Assert.Equal(0, call.Cost("userinfo"));
        Assert.Equal(5, call.Cost("tables"));
    }

    [Fact]
    public async Task Refusals_are_stytch_errors_and_store_nothing()
    {
        var (from, to, toMemberId, session, _) = await TwoOrganizationsAsync();
        var token = session.Str("session_token");
        var stranger = await server.NewOrganizationAsync();
        var before = await server.AllRowsAsync();

        (await ExchangeAsync(new { organization_id = "no-such-organization", session_token = token })).AssertError(404, "organization_not_found");
        (await ExchangeAsync(new { organization_id = stranger, session_token = token })).AssertError(404, "member_not_found");
        (await ExchangeAsync(new { organization_id = from, session_token = token })).AssertError(400, "invalid_organization_id");
        (await ExchangeAsync(new { organization_id = to, session_token = token + "x" })).AssertError(404, "session_not_found");
        (await ExchangeAsync(new { organization_id = to })).AssertError(400, "no_session_arguments");
        (await ExchangeAsync(new { organization_id = to, session_token = token, session_jwt = session.Str("session_jwt") })).AssertError(400, "too_many_session_arguments");
        (await ExchangeAsync(new { session_token = token })).AssertError(400, "invalid_argument");
        (await ExchangeAsync(new { organization_id = to, session_token = token, session_duration_minutes = 1 })).AssertError(400, "invalid_session_duration_minutes");
        Assert.Equal(before, await server.AllRowsAsync());

        (await server.DeleteAsync($"/v1/b2b/organizations/{to}/members/{toMemberId}")).AssertOk();
        var afterDelete = await server.AllRowsAsync();
        (await ExchangeAsync(new { organization_id = to, session_token = token })).AssertError(404, "member_not_found");
        Assert.Equal(afterDelete, await server.AllRowsAsync());
    }

    [Fact]
    public async Task A_session_whose_member_is_deleted_cannot_be_exchanged_even_if_its_row_survived()
    {
        var (from, to, _, session, email) = await TwoOrganizationsAsync();
        await MarkDeletedBehindTheApisBackAsync(from, session.Str("member_id"));
        var before = await server.AllRowsAsync();

        (await ExchangeAsync(new { organization_id = to, session_token = session.Str("session_token") })).AssertError(404, "session_not_found");

        Assert.Equal(before, await server.AllRowsAsync());
        Assert.NotEmpty(email);
    }

    /// <summary>A member deletion that crashed before removing the sessions: both member rows say deleted, the session row is still there.</summary>
    private async Task MarkDeletedBehindTheApisBackAsync(string organizationId, string memberId)
    {
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        var partition = SessionRows.MemberPartitionOf(organizationId, memberId);
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition))
        {
            if (row.GetString("MemberId") != memberId || row.RowKey.Contains("session|", StringComparison.Ordinal)) continue;
            row["Status"] = "deleted";
            row["Payload"] = row.GetString("Payload").Replace("\"status\":\"active\"", "\"status\":\"deleted\"", StringComparison.Ordinal);
            await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
        }
    }
}
