using System.Buffers.Text;
using System.Security.Cryptography;
using Azure.Data.Tables;
using SessionFunctions.Core.Identity;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>
/// Tokens issued before the selector carried the member key (86 characters: organization and session keys only) keep
/// working: authenticate reads the session first, then its member, and refuses it the same way when the member is gone.
/// </summary>
public sealed class LegacyTokenTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_token_of_the_first_format_still_authenticates_its_session_and_refuses_a_deleted_members()
    {
        var (organizationId, memberId, migrated) = await server.NewSessionAsync();
        Assert.True(SessionToken.TryParse(migrated.Str("session_token"), out var selector));
        var legacy = await ReissueInFirstFormatAsync(organizationId, selector);

        var call = (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = legacy })).AssertOk();
        Assert.Equal(memberId, call.Json.GetProperty("member").GetProperty("member_id").GetString());
        Assert.Equal(legacy, call.Str("session_token"));
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = migrated.Str("session_token") })).AssertError(404, "session_not_found");

        (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertOk();
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = legacy })).AssertError(404, "session_not_found");
    }

    /// <summary>Stores the hash of a first-format token for the same session, as a session migrated back then would have.</summary>
    private async Task<string> ReissueInFirstFormatAsync(string organizationId, TokenSelector selector)
    {
        var raw = new byte[64];
        selector.Organization.TryWriteBytes(raw.AsSpan(0, 16));
        selector.Session.TryWriteBytes(raw.AsSpan(16, 16));
        RandomNumberGenerator.Fill(raw.AsSpan(32));
        var token = Base64Url.EncodeToString(raw);
        Assert.Equal(SessionToken.LegacyLength, token.Length);

        var members = new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        var row = (await members.GetEntityAsync<TableEntity>(organizationId, "session|" + selector.Session.ToString("N"))).Value;
        row["TokenHash"] = SessionToken.Hash(token);
        await members.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge);
        return token;
    }
}
