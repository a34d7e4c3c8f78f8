using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>
/// A session is only as good as its member: authenticate, list and revoke read the member row beside the session row,
/// so a member deleted (or gone) refuses every one of its sessions, whatever rows a failure left behind.
/// </summary>
public sealed class DeletedMemberTests(FaultyStorageServerFixture server) : IClassFixture<FaultyStorageServerFixture>
{
    private const int MoreThanOneTransactionHolds = 95;

    private Task<ApiCall> AuthenticateAsync(object body) => server.PostAsync("/v1/b2b/sessions/authenticate", body);
    private Task<ApiCall> RevokeAsync(object body) => server.PostAsync("/v1/b2b/sessions/revoke", body);

    private async Task<List<string>> ListAsync(string organizationId, string memberId) =>
        [.. (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}"))
            .AssertOk().Json.GetProperty("member_sessions").EnumerateArray().Select(s => s.GetProperty("member_session_id").GetString()!)];

    private async Task<int> SessionRowsAsync(string organizationId) =>
        (await server.AllRowsAsync()).Count(r => SessionRows.IsSessionRow(r, organizationId));

    private TableClient Members => new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");

    [Fact]
    public async Task A_deletion_interrupted_after_marking_the_member_deleted_leaves_no_session_usable_and_a_retry_finishes_it()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"many-{Guid.NewGuid():N}@example.com";
        var memberId = await server.NewMemberAsync(organizationId, email);
        var sessions = new List<ApiCall>();
        for (var i = 0; i < MoreThanOneTransactionHolds; i++) sessions.Add((await server.MigrateAsync(organizationId, email)).AssertOk());

        var injected = server.Faults.Injected;
        server.Faults.FailTransactionsAfter(1);
        try
        {
            (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertError(503, "server_unavailable");
        }
        finally
        {
            server.Faults.Disarm();
        }
        Assert.Equal(injected + 1, server.Faults.Injected);
        Assert.Equal(MoreThanOneTransactionHolds, await SessionRowsAsync(organizationId)); // the member is marked deleted; the clean-up never ran

        foreach (var session in sessions)
        {
            (await AuthenticateAsync(new { session_token = session.Str("session_token"), session_duration_minutes = 527040 })).AssertError(404, "session_not_found");
            (await AuthenticateAsync(new { session_jwt = session.Str("session_jwt") })).AssertError(404, "session_not_found");
        }
        Assert.Empty(await ListAsync(organizationId, memberId));
        var leftover = sessions[^1];
        (await RevokeAsync(new { session_jwt = leftover.Str("session_jwt") })).AssertError(404, "session_not_found");
        (await RevokeAsync(new { session_token = leftover.Str("session_token") })).AssertError(404, "session_not_found");
        (await RevokeAsync(new { member_session_id = leftover.Json.GetProperty("member_session").GetProperty("member_session_id").GetString() }))
            .AssertError(404, "session_not_found");

        Assert.Equal(memberId, (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertOk().Str("member_id"));
        Assert.Equal(0, await SessionRowsAsync(organizationId));
        Assert.Equal(memberId, (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertOk().Str("member_id"));
    }

    [Fact]
    public async Task Authenticate_answers_with_the_member_as_it_is_now_and_puts_its_roles_in_the_jwt()
    {
        var (organizationId, memberId, migrated) = await server.NewSessionAsync();
        await RewriteMemberAsync(organizationId, memberId, member =>
        {
            member["name"] = "Renamed";
            member["roles"]!.AsArray().Add(new JsonObject { ["role_id"] = "billing", ["sources"] = new JsonArray(new JsonObject { ["type"] = "direct_assignment" }) });
        });

        var call = (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertOk();

        Assert.Equal("Renamed", call.Json.GetProperty("member").GetProperty("name").GetString());
        Assert.Contains("billing", call.Json.GetProperty("member_session").GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var jwtRoles = Jwts.Payload(call.Str("session_jwt")).GetProperty("https://stytch.com/session").GetProperty("roles");
        Assert.Contains("billing", jwtRoles.EnumerateArray().Select(r => r.GetString()));
        var listed = (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}")).AssertOk();
        Assert.Contains("billing", listed.Json.GetProperty("member_sessions")[0].GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_session_whose_member_row_is_gone_is_refused_everywhere()
    {
        var (organizationId, memberId, migrated) = await server.NewSessionAsync();
        await Members.DeleteEntityAsync(SessionRows.MemberPartitionOf(organizationId, memberId), "member|" + memberId[^32..]);

        (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertError(404, "session_not_found");
        (await AuthenticateAsync(new { session_jwt = migrated.Str("session_jwt") })).AssertError(404, "session_not_found");
        (await RevokeAsync(new { session_jwt = migrated.Str("session_jwt") })).AssertError(404, "session_not_found");
        Assert.Empty(await ListAsync(organizationId, memberId));
    }

    [Fact]
    public async Task A_member_set_to_deleted_by_another_writer_refuses_its_sessions_at_once()
    {
        var (organizationId, memberId, migrated) = await server.NewSessionAsync();
        await RewriteMemberAsync(organizationId, memberId, member => member["status"] = "deleted");

        (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertError(404, "session_not_found");
    }

    [Fact]
    public async Task A_failure_logs_the_route_not_the_path_whose_segments_may_be_an_email() // our lines; ASP.NET Core's own request lines are Information and below, which the shipped log filters drop
    {
        var organizationId = await server.NewOrganizationAsync();
        var externalId = $"jane-{Guid.NewGuid():N}@corp.example"; // an external id may well be an email address
        await server.NewMemberAsync(organizationId, $"member-{Guid.NewGuid():N}@corp.example", externalId: externalId);

        server.Faults.FailTransactionsAfter(0);
        try
        {
            (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{externalId}")).AssertError(503, "server_unavailable");
        }
        finally
        {
            server.Faults.Disarm();
        }

        Assert.Contains(server.Logs.Lines, l => l.Contains("DELETE v1/b2b/organizations/{organization_id}/members/{member_id}", StringComparison.Ordinal));
        var ours = server.Logs.Lines.Where(l => l.Split(' ', 3)[1].StartsWith("SessionFunctions", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(ours);
        Assert.DoesNotContain(ours, l => l.Contains(externalId, StringComparison.OrdinalIgnoreCase)
            || l.Contains(Uri.EscapeDataString(externalId), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_migrate_whose_committed_transaction_lost_its_answer_and_was_retried_succeeds_once()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"lost-{Guid.NewGuid():N}@example.com";
        var memberId = await server.NewMemberAsync(organizationId, email);

        server.Faults.LoseNextTransactionAnswer(); // the session transaction commits, its answer is lost, the client retries: 409
        var migrated = (await server.MigrateAsync(organizationId, email)).AssertOk();

        (await AuthenticateAsync(new { session_token = migrated.Str("session_token") })).AssertOk();
        Assert.Single(await ListAsync(organizationId, memberId));
        var rows = await server.AllRowsAsync();
        Assert.Single(rows, r => SessionRows.IsSessionRow(r, organizationId));
        Assert.Single(rows, r => r.StartsWith("SessionExpiry/", StringComparison.Ordinal) && r.Contains(organizationId, StringComparison.Ordinal)); // its index row was kept
    }

    private async Task RewriteMemberAsync(string organizationId, string memberId, Action<JsonObject> change)
    {
        var row = (await Members.GetEntityAsync<TableEntity>(SessionRows.MemberPartitionOf(organizationId, memberId), "member|" + memberId[^32..])).Value;
        var member = JsonNode.Parse(row.GetString("Payload"))!.AsObject();
        change(member);
        row["Payload"] = member.ToJsonString();
        row["Status"] = member["status"]!.GetValue<string>();
        await Members.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
    }
}
