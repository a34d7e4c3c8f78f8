using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Migration;

/// <summary>Idempotency-Key on migrate, as the IETF httpapi draft has it: a retry gets the first answer, never a second session.</summary>
public sealed class IdempotencyKeyTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string NewKey() => Guid.NewGuid().ToString();

    private async Task<ApiCall> MigrateAsync(string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/b2b/sessions/migrate") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await ApiCall.ReadAsync(await server.Client.SendAsync(request));
    }

    private async Task<(string OrganizationId, string MemberId, string Email)> MemberAsync()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"idem-{Guid.NewGuid():N}@example.com";
        return (organizationId, await server.NewMemberAsync(organizationId, email), email);
    }

    private async Task<int> SessionCountAsync(string organizationId, string memberId) =>
        (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}")).AssertOk().Json.GetProperty("member_sessions").GetArrayLength();

    private int CallsWith(string token) => server.UserInfo.Calls.Count(c => c.Authorization == "Bearer " + token);

    [Fact]
    public async Task A_retry_with_the_same_key_gets_exactly_the_first_answer_without_calling_the_provider()
    {
        var (organizationId, memberId, email) = await MemberAsync();
        var token = server.UserInfo.IssueToken(email);
        var body = new { session_token = token, organization_id = organizationId, session_duration_minutes = 90, session_custom_claims = new { plan = "gold" } };
        var key = NewKey();

        var first = (await MigrateAsync(key, body)).AssertOk();
        var again = (await MigrateAsync(key, body)).AssertOk();

        foreach (var field in new[] { "member_id", "session_token", "session_jwt" })
            Assert.Equal(first.Str(field), again.Str(field));
        Assert.Equal(first.Json.GetProperty("member_session").GetRawText(), again.Json.GetProperty("member_session").GetRawText());
        Assert.Equal(first.Json.GetProperty("member").GetRawText(), again.Json.GetProperty("member").GetRawText());
        Assert.NotEqual(first.Str("request_id"), again.Str("request_id"));
        Assert.Equal(1, CallsWith(token));
        Assert.Equal(0, again.Cost("userinfo"));
        Assert.Equal(0, again.Cost("signatures"));
        Assert.Equal(3, again.Cost("tables")); // the record's index row (idempotent upsert), the refused add, the read
        Assert.Equal(7, first.Cost("tables")); // the record's index row and the record; migrate's own four; the record's completion
        Assert.Equal(1, await SessionCountAsync(organizationId, memberId));
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = again.Str("session_token") })).AssertOk();
    }

    [Fact]
    public async Task A_failed_migrate_is_not_remembered_so_a_retry_with_the_key_runs_again()
    {
        var (organizationId, memberId, email) = await MemberAsync();
        var attempts = 0;
        var token = server.UserInfo.Script(c =>
        {
            if (Interlocked.Increment(ref attempts) == 1) { c.Response.StatusCode = 503; return Task.CompletedTask; }
            return c.Response.WriteAsJsonAsync(new { email, email_verified = true });
        });
        var body = new { session_token = token, organization_id = organizationId };
        var key = NewKey();
        var before = await server.AllRowsAsync();

        (await MigrateAsync(key, body)).AssertError(503, "migrate_from_external_unexpected_response");
        Assert.Equal(before, await server.AllRowsAsync()); // not even the key's record is left

        var retried = (await MigrateAsync(key, body)).AssertOk();
        Assert.Equal(memberId, retried.Str("member_id"));
        Assert.Equal(2, CallsWith(token));
        var replayed = (await MigrateAsync(key, body)).AssertOk();
        Assert.Equal(retried.Str("session_token"), replayed.Str("session_token"));
        Assert.Equal(2, CallsWith(token));
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_a_422_and_changes_nothing()
    {
        var (organizationId, memberId, email) = await MemberAsync();
        var token = server.UserInfo.IssueToken(email);
        var key = NewKey();
        (await MigrateAsync(key, new { session_token = token, organization_id = organizationId })).AssertOk();
        var rows = await server.AllRowsAsync();

        foreach (var other in new object[]
        {
            new { session_token = server.UserInfo.IssueToken(email), organization_id = organizationId },
            new { session_token = token, organization_id = organizationId, session_duration_minutes = 60 },
            new { session_token = token, organization_id = organizationId, session_custom_claims = new { a = 1 } },
        })
            (await MigrateAsync(key, other)).AssertError(422, "idempotency_key_reused");

        Assert.Equal(rows, await server.AllRowsAsync());
        Assert.Equal(1, CallsWith(token));
        Assert.Equal(1, await SessionCountAsync(organizationId, memberId));
    }

    [Fact]
    public async Task A_second_request_while_the_first_runs_is_a_409_and_only_one_session_is_made()
    {
        var (organizationId, memberId, email) = await MemberAsync();
        var token = server.UserInfo.SlowToken(email, TimeSpan.FromMilliseconds(1200));
        var body = new { session_token = token, organization_id = organizationId };
        var key = NewKey();

        var first = MigrateAsync(key, body);
        while (CallsWith(token) == 0) await Task.Delay(10); // the first request is at the provider now
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => MigrateAsync(key, body)));

        Assert.All(concurrent, c => c.AssertError(409, "idempotency_request_in_progress"));
        var winner = (await first).AssertOk();
        Assert.Equal(1, CallsWith(token));
        Assert.Equal(1, await SessionCountAsync(organizationId, memberId));
        Assert.Equal(winner.Str("session_token"), (await MigrateAsync(key, body)).AssertOk().Str("session_token"));
    }

    [Fact]
    public async Task Many_racing_requests_with_one_key_make_at_most_one_session()
    {
        var (organizationId, memberId, email) = await MemberAsync();
        var body = new { session_token = server.UserInfo.IssueToken(email), organization_id = organizationId };
        var key = NewKey();

        var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => MigrateAsync(key, body)));

        Assert.All(calls, c => Assert.True((int)c.Status is 200 or 409, c.Raw));
        Assert.Single(calls.Where(c => (int)c.Status == 200).Select(c => c.Str("session_token")).Distinct());
        Assert.Equal(1, await SessionCountAsync(organizationId, memberId));
    }

    [Fact]
    public async Task The_stored_record_holds_no_token_jwt_key_or_legacy_token()
    {
        var (organizationId, _, email) = await MemberAsync();
        var token = server.UserInfo.IssueToken(email);
        var key = NewKey();
        var call = (await MigrateAsync(key, new { session_token = token, organization_id = organizationId })).AssertOk();

        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        var stored = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == organizationId))
            foreach (var value in ((IDictionary<string, object>)row).Values.Append(row.RowKey))
                stored.AddRange(value is byte[] b ? [Convert.ToBase64String(b), Encoding.UTF8.GetString(b), Convert.ToHexString(b)] : [value?.ToString() ?? ""]);

        Assert.Contains(stored, v => v.StartsWith("idem|", StringComparison.Ordinal));
        var secrets = new[] { call.Str("session_token"), token, key, key.Replace("-", "", StringComparison.Ordinal) }
            .Concat(call.Str("session_jwt").Split('.')).ToList();
        foreach (var secret in secrets)
            Assert.DoesNotContain(stored, v => v.Contains(secret, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("short")]
    [InlineData("0123456789abcdef with spaces")]
    [InlineData("0123456789abcdef\t0123456789abcdef")]
    [InlineData("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk")]
    public async Task A_malformed_key_is_a_400_before_any_call(string key)
    {
        var (organizationId, _, email) = await MemberAsync();
        var token = server.UserInfo.IssueToken(email);
        var before = await server.AllRowsAsync();

        (await MigrateAsync(key, new { session_token = token, organization_id = organizationId })).AssertError(400, "invalid_idempotency_key");

        Assert.Equal(0, CallsWith(token));
        Assert.Equal(before, await server.AllRowsAsync());
    }

    [Fact]
    public async Task A_quoted_key_as_the_draft_writes_it_is_the_same_key()
    {
        var (organizationId, _, email) = await MemberAsync();
        var body = new { session_token = server.UserInfo.IssueToken(email), organization_id = organizationId };
        var key = NewKey();

        var first = (await MigrateAsync(key, body)).AssertOk();

        Assert.Equal(first.Str("session_token"), (await MigrateAsync($"\"{key}\"", body)).AssertOk().Str("session_token"));
    }

    [Fact]
    public async Task Another_key_or_no_key_makes_a_new_session()
    {
        var (organizationId, memberId, email) = await MemberAsync();
        var body = new { session_token = server.UserInfo.IssueToken(email), organization_id = organizationId };

        var first = (await MigrateAsync(NewKey(), body)).AssertOk();
        var second = (await MigrateAsync(NewKey(), body)).AssertOk();
        var third = (await server.PostAsync("/v1/b2b/sessions/migrate", body)).AssertOk();

        Assert.Equal(3, new[] { first, second, third }.Select(c => c.Str("session_token")).Distinct().Count());
        Assert.Equal(3, await SessionCountAsync(organizationId, memberId));
    }
}
