using Azure.Data.Tables;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>PUT /v1/b2b/organizations/{organization_id}/members/{member_id}: Stytch's member update.</summary>
public sealed class MemberUpdateTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private async Task<DateTimeOffset?> SessionRowTimestampAsync(string organizationId, string memberSessionId)
    {
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        var partition = Core.Storage.MemberPartition.Of(organizationId, SessionRows.MemberKey(memberSessionId));
        return (await table.GetEntityAsync<TableEntity>(partition, SessionRows.RowKey(memberSessionId))).Value.Timestamp;
    }

    [Fact]
    public async Task A_role_change_shows_in_the_very_next_authenticate_answer_and_its_jwt_without_rewriting_the_session()
    {
        var (organizationId, memberId, session) = await server.NewSessionAsync();
        var memberSessionId = session.Json.GetProperty("member_session").GetProperty("member_session_id").GetString()!;
        var sessionRow = await SessionRowTimestampAsync(organizationId, memberSessionId);

        var call = (await server.PutAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}", new { roles = new[] { "stytch_admin", "billing" } })).AssertOk();

        Assert.Equal(["stytch_member", "stytch_admin", "billing"], call.Json.GetProperty("member").GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("role_id").GetString()));
        Assert.True(call.Json.GetProperty("member").GetProperty("is_admin").GetBoolean());
        Assert.Equal(sessionRow, await SessionRowTimestampAsync(organizationId, memberSessionId));

        var authenticated = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertOk();
        string[] expected = ["stytch_member", "stytch_admin", "billing"];
        Assert.Equal(expected, authenticated.Json.GetProperty("member_session").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(expected, authenticated.Json.GetProperty("member").GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("role_id").GetString()));
        var jwt = await Jwts.VerifyAgainstJwksAsync(server, authenticated.Str("session_jwt"));
        var claim = Jwts.Payload(authenticated.Str("session_jwt")).GetProperty("https://stytch.com/session").GetProperty("roles");
        Assert.Equal(expected, claim.EnumerateArray().Select(r => r.GetString()));
        Assert.NotNull(jwt);
    }

    [Fact]
    public async Task Name_metadata_and_external_id_change_and_the_member_is_found_by_its_new_external_id()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, $"u-{Guid.NewGuid():N}@example.com", externalId: "old-ext");
        var path = $"/v1/b2b/organizations/{organizationId}/members/old-ext"; // member_id may be the external id

        var call = (await server.PutAsync(path, new { name = "Ada", external_id = "new-ext", trusted_metadata = new { seat = 7 }, untrusted_metadata = new { theme = "dark" }, is_breakglass = true })).AssertOk();

        var member = call.Json.GetProperty("member");
        Assert.Equal(memberId, call.Str("member_id"));
        Assert.Equal("Ada", member.GetProperty("name").GetString());
        Assert.Equal("new-ext", member.GetProperty("external_id").GetString());
        Assert.Equal(7, member.GetProperty("trusted_metadata").GetProperty("seat").GetInt32());
        Assert.Equal("dark", member.GetProperty("untrusted_metadata").GetProperty("theme").GetString());
        Assert.True(member.GetProperty("is_breakglass").GetBoolean());
        Assert.Equal(memberId, (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id=new-ext")).AssertOk().Str("member_id"));
        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id=old-ext")).AssertError(404, "member_not_found");
        Assert.Equal("Ada", (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={memberId}")).AssertOk()
            .Json.GetProperty("member").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Bad_updates_are_refused_and_change_nothing()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, $"a-{Guid.NewGuid():N}@example.com", externalId: "ext-a");
        var otherId = await server.NewMemberAsync(organizationId, $"b-{Guid.NewGuid():N}@example.com", externalId: "ext-b");
        var path = $"/v1/b2b/organizations/{organizationId}/members/{memberId}";
        var before = await server.AllRowsAsync();

        (await server.PutAsync(path, new { external_id = "ext-b", name = "x" })).AssertError(400, "duplicate_member_external_id");
        (await server.PutAsync(path, new { external_id = otherId.ToUpperInvariant() })).AssertError(400, "invalid_argument");
        (await server.PutAsync(path, new { roles = new[] { "ok", "" } })).AssertError(400, "invalid_argument");
        (await server.PutAsync(path, new { name = new string('n', 257) })).AssertError(400, "invalid_argument");
        (await server.PutAsync(path, new { trusted_metadata = new { big = new string('m', 5000) } })).AssertError(400, "metadata_too_large");
        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}/members/member-test-nope", new { name = "x" })).AssertError(404, "member_not_found");
        Assert.Equal(before, await server.AllRowsAsync());

        (await server.DeleteAsync(path)).AssertOk();
        (await server.PutAsync(path, new { name = "back" })).AssertError(404, "member_not_found");
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_nothing()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, $"n-{Guid.NewGuid():N}@example.com", roles: ["editor"]);
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        var before = (await table.GetEntityAsync<TableEntity>(SessionRows.MemberPartitionOf(organizationId, memberId), "member|" + memberId[^32..])).Value.ETag;

        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}", new { roles = new[] { "editor" } })).AssertOk();

        Assert.Equal(before, (await table.GetEntityAsync<TableEntity>(SessionRows.MemberPartitionOf(organizationId, memberId), "member|" + memberId[^32..])).Value.ETag);
    }
}
