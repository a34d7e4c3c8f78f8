using System.Net.Http.Json;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.FirstSight;

/// <summary>
/// Organization delete: marked deleted by its first write, so every session of it is refused at once and stays refused
/// whatever a failure leaves; a repeat finishes the work; its slug and external id are free afterwards.
/// </summary>
public sealed class DeleteOrganizationTests(FaultyStorageServerFixture server) : IClassFixture<FaultyStorageServerFixture>
{
    private Task<ApiCall> AuthenticateAsync(object body) => server.PostAsync("/v1/b2b/sessions/authenticate", body);
    private Task<ApiCall> RevokeAsync(object body) => server.PostAsync("/v1/b2b/sessions/revoke", body);

    private async Task<List<string>> RowsOfAsync(string organizationId) =>
        [.. (await server.AllRowsAsync()).Where(r => r.StartsWith($"Members/{organizationId}/", StringComparison.Ordinal)
            || r.StartsWith($"Members/{organizationId}|", StringComparison.Ordinal))];

    private async Task<ApiCall> MigrateWithIdempotencyKeyAsync(string organizationId, string email)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/b2b/sessions/migrate")
        {
            Content = JsonContent.Create(new { session_token = server.UserInfo.IssueToken(email), organization_id = organizationId }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await ApiCall.ReadAsync(await server.Client.SendAsync(request));
    }

    [Fact]
    public async Task A_deletion_interrupted_after_its_first_write_refuses_every_session_and_a_retry_finishes_it_and_frees_the_names()
    {
        var slug = "doomed-" + Guid.NewGuid().ToString("N")[..10];
        var externalId = "ext-" + Guid.NewGuid().ToString("N")[..10];
        var organizationId = await server.NewOrganizationAsync(slug, externalId);
        var sessions = new List<(string MemberId, ApiCall Session)>();
        foreach (var email in new[] { $"a{Guid.NewGuid():N}@corp.example", $"b{Guid.NewGuid():N}@corp.example" })
        {
            var memberId = await server.NewMemberAsync(organizationId, email, externalId: "m-" + Guid.NewGuid().ToString("N")[..8]);
            sessions.Add((memberId, (await server.MigrateAsync(organizationId, email)).AssertOk()));
            sessions.Add((memberId, (await MigrateWithIdempotencyKeyAsync(organizationId, email)).AssertOk()));
        }
        Assert.Contains(await RowsOfAsync(organizationId), r => r.Contains("/idem|", StringComparison.Ordinal));

        var injected = server.Faults.Injected;
        server.Faults.FailTransactionsAfter(0); // the mark (one conditional write) goes through, every transaction after it fails
        try
        {
            (await server.DeleteAsync("/v1/b2b/organizations/" + slug)).AssertError(503, "server_unavailable");
        }
        finally
        {
            server.Faults.Disarm();
        }
        Assert.True(server.Faults.Injected > injected);
        Assert.NotEmpty(await RowsOfAsync(organizationId)); // the deletion really stopped part-way

        foreach (var (memberId, session) in sessions)
        {
            (await AuthenticateAsync(new { session_token = session.Str("session_token") })).AssertError(404, "session_not_found");
            (await AuthenticateAsync(new { session_jwt = session.Str("session_jwt") })).AssertError(404, "session_not_found");
            (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}")).AssertError(404, "organization_not_found");
            (await RevokeAsync(new { session_token = session.Str("session_token") })).AssertError(404, "session_not_found");
            (await RevokeAsync(new { session_jwt = session.Str("session_jwt") })).AssertError(404, "session_not_found");
            (await RevokeAsync(new { member_session_id = session.Json.GetProperty("member_session").GetProperty("member_session_id").GetString() }))
                .AssertError(404, "session_not_found");
        }
        (await server.GetAsync("/v1/b2b/organizations/" + organizationId)).AssertError(404, "organization_not_found");
        (await server.MigrateAsync(organizationId, "new@corp.example")).AssertError(404, "organization_not_found");
        (await server.PostAsync($"/v1/b2b/organizations/{organizationId}/members", new { email_address = "new@corp.example" })).AssertError(404, "organization_not_found");

        var again = (await server.DeleteAsync("/v1/b2b/organizations/" + slug)).AssertOk(); // a retry by the same name finishes it
        Assert.Equal(organizationId, again.Str("organization_id"));
        Assert.Empty(await RowsOfAsync(organizationId));
        (await server.DeleteAsync("/v1/b2b/organizations/" + organizationId)).AssertOk(); // and a repeat by id still answers 200
        (await server.DeleteAsync("/v1/b2b/organizations/" + slug)).AssertError(404, "organization_not_found"); // the name is free

        var reborn = await server.NewOrganizationAsync(slug.ToUpperInvariant(), externalId);
        Assert.NotEqual(organizationId, reborn);
        Assert.Equal(reborn, (await server.GetAsync("/v1/b2b/organizations/" + externalId)).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString());
    }

    [Fact]
    public async Task Deleting_answers_stytchs_delete_response_and_an_unknown_organization_is_404()
    {
        var organizationId = await server.NewOrganizationAsync();

        var call = (await server.DeleteAsync("/v1/b2b/organizations/" + organizationId)).AssertOk();

        Assert.Equal(organizationId, call.Str("organization_id"));
        Assert.Equal(["organization_id", "request_id", "status_code"], call.Json.EnumerateObject().Select(p => p.Name).Order());
        (await server.DeleteAsync("/v1/b2b/organizations/no-such-organization")).AssertError(404, "organization_not_found");
        (await server.PutAsync("/v1/b2b/organizations/" + organizationId, new { organization_name = "Back" })).AssertError(404, "organization_not_found");
    }
}
