using System.Buffers.Text;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Storage;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>
/// Data written before sessions moved next to their member keeps working: organizations without <c>MemberShards</c>
/// (their members in the organization's own partition), and sessions of the first layout (<c>session|{key}</c> in the
/// organization's partition) with tokens of 107 and 86 characters and 64-digit session ids. Organization reads are
/// not cached here, so a test can turn an organization into one created before sharding.
/// </summary>
public sealed class SessionLayoutTests(SessionLayoutTests.UncachedServer server) : IClassFixture<SessionLayoutTests.UncachedServer>
{
    public sealed class UncachedServer : ServerFixture
    {
        protected override void Configure(IDictionary<string, string?> settings) => settings["Sessions:OrganizationCacheDuration"] = "00:00:00.001";
    }

    private TableClient Table(string name) => new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + name);
    private IdFormat Ids => server.Service<IdFormat>();
    private Task<ApiCall> AuthenticateAsync(object body) => server.PostAsync("/v1/b2b/sessions/authenticate", body);

    [Fact]
    public async Task A_new_organization_spreads_its_members_over_shards_and_keeps_each_members_sessions_beside_it()
    {
        var organizationId = await server.NewOrganizationAsync();
        var partitions = new HashSet<string>();
        for (var i = 0; i < 8; i++)
        {
            var email = $"s{i}-{Guid.NewGuid():N}@example.com";
            var memberId = await server.NewMemberAsync(organizationId, email);
            var session = (await server.MigrateAsync(organizationId, email)).AssertOk();
            var partition = SessionRows.MemberPartitionOf(organizationId, memberId);
            partitions.Add(partition);

            Assert.StartsWith(organizationId + "|", partition);
            Assert.Equal(partition, SessionRows.Partition(session));
            var rows = (await server.AllRowsAsync()).Where(r => r.StartsWith($"Members/{partition}/", StringComparison.Ordinal)).ToList();
            Assert.Contains($"Members/{partition}/member|{memberId[^32..]}", rows);
            Assert.Contains($"Members/{partition}/{SessionRows.RowKey(session)}", rows);
            Assert.Contains(rows, r => r.Contains("/email|", StringComparison.Ordinal));
        }
        Assert.True(partitions.Count >= 4, string.Join(", ", partitions)); // 8 members over 32 shards
        Assert.DoesNotContain(await server.AllRowsAsync(), r => r.StartsWith($"Members/{organizationId}/", StringComparison.Ordinal)); // nothing in the old single partition
    }

    [Fact]
    public async Task An_organization_created_before_sharding_keeps_its_members_in_its_own_partition_and_their_new_sessions_beside_them()
    {
        var (organizationId, memberId, email) = await LegacyMemberAsync();
        var session = (await server.MigrateAsync(organizationId, email)).AssertOk();

        Assert.Equal(4, Guid.ParseExact(memberId[^32..], "N").Version);
        Assert.Equal(organizationId, SessionRows.Partition(session));
        Assert.Equal(SessionToken.Length, session.Str("session_token").Length);
        Assert.Contains($"Members/{organizationId}/{SessionRows.RowKey(session)}", await server.AllRowsAsync());
        var call = (await AuthenticateAsync(new { session_token = session.Str("session_token") })).AssertOk();
        Assert.Equal(1 + 2, call.Cost("tables")); // the organization (not cached here), one range read, the write
        Assert.Single((await ListAsync(organizationId, memberId)));
    }

    [Theory]
    [InlineData(SessionToken.MemberLength)]
    [InlineData(SessionToken.LegacyLength)]
    public async Task A_session_of_the_first_layout_authenticates_lists_revokes_and_dies_with_its_member_as_before(int tokenLength)
    {
        var (organizationId, memberId, email) = await LegacyMemberAsync();
        var (token, sessionId) = await FirstLayoutSessionAsync(organizationId, memberId, email, tokenLength);

        var byToken = (await AuthenticateAsync(new { session_token = token })).AssertOk();
        Assert.Equal(token, byToken.Str("session_token"));
        Assert.Equal(sessionId, byToken.Json.GetProperty("member_session").GetProperty("member_session_id").GetString());
        Assert.Equal(1 + 3, byToken.Cost("tables")); // the organization (not cached here), two point reads (session and member), the write
        Assert.Equal(sessionId, Jwts.Payload(byToken.Str("session_jwt")).GetProperty("https://stytch.com/session").GetProperty("id").GetString());
        (await AuthenticateAsync(new { session_jwt = byToken.Str("session_jwt") })).AssertOk();
        Assert.Equal([sessionId], await ListAsync(organizationId, memberId));

        (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}")).AssertOk();
        (await AuthenticateAsync(new { session_token = token })).AssertError(404, "session_not_found");
        Assert.DoesNotContain(await server.AllRowsAsync(), r => SessionRows.IsSessionRow(r, organizationId));
    }

    [Fact]
    public async Task A_session_of_the_first_layout_is_revoked_by_its_old_member_session_id()
    {
        var (organizationId, memberId, email) = await LegacyMemberAsync();
        var (token, sessionId) = await FirstLayoutSessionAsync(organizationId, memberId, email, SessionToken.MemberLength);

        (await server.PostAsync("/v1/b2b/sessions/revoke", new { member_session_id = sessionId })).AssertOk();

        (await AuthenticateAsync(new { session_token = token })).AssertError(404, "session_not_found");
    }

    [Fact]
    public async Task A_session_without_a_recorded_provider_is_refused_for_exchange()
    {
        var (organizationId, memberId, email) = await LegacyMemberAsync();
        var (token, _) = await FirstLayoutSessionAsync(organizationId, memberId, email, SessionToken.MemberLength);
        var other = await server.NewOrganizationAsync();
        await server.NewMemberAsync(other, email);
        var before = await server.AllRowsAsync();

        (await server.PostAsync("/v1/b2b/sessions/exchange", new { organization_id = other, session_token = token }))
            .AssertError(400, "exchange_across_legacy_providers");
        Assert.Equal(before, await server.AllRowsAsync());
    }

    [Fact]
    public async Task A_member_with_an_external_id_in_a_sharded_organization_is_found_by_it_and_the_id_stays_unique()
    {
        var organizationId = await server.NewOrganizationAsync();
        var externalId = "emp-" + Guid.NewGuid().ToString("N")[..8];
        var memberId = await server.NewMemberAsync(organizationId, $"x-{Guid.NewGuid():N}@example.com", externalId: externalId);

        var found = (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={externalId}")).AssertOk();
        Assert.Equal(memberId, found.Json.GetProperty("member").GetProperty("member_id").GetString());
        (await server.PostAsync($"/v1/b2b/organizations/{organizationId}/members", new { email_address = $"y-{Guid.NewGuid():N}@example.com", external_id = externalId }))
            .AssertError(400, "duplicate_member_external_id");

        var renamed = externalId + "-2";
        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}/members/{memberId}", new { external_id = renamed })).AssertOk();
        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={externalId}")).AssertError(404, "member_not_found");
        Assert.Equal(memberId, (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={renamed}")).AssertOk()
            .Json.GetProperty("member").GetProperty("member_id").GetString());
        var second = await server.NewMemberAsync(organizationId, $"z-{Guid.NewGuid():N}@example.com", externalId: externalId); // the old id is free again
        Assert.NotEqual(memberId, second);

        (await server.DeleteAsync($"/v1/b2b/organizations/{organizationId}/members/{renamed}")).AssertOk();
        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={renamed}")).AssertError(404, "member_not_found");
        await server.NewMemberAsync(organizationId, $"w-{Guid.NewGuid():N}@example.com", externalId: renamed);
    }

    private async Task<List<string>> ListAsync(string organizationId, string memberId) =>
        [.. (await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}"))
            .AssertOk().Json.GetProperty("member_sessions").EnumerateArray().Select(s => s.GetProperty("member_session_id").GetString()!)];

    /// <summary>An organization as created before sharding (no MemberShards on its row), with one member.</summary>
    private async Task<(string OrganizationId, string MemberId, string Email)> LegacyMemberAsync()
    {
        var organizationId = await server.NewOrganizationAsync();
        var organizations = Table("Organizations");
        await foreach (var row in organizations.QueryAsync<TableEntity>(e => e.RowKey == "id|" + organizationId))
        {
            row.Remove("MemberShards");
            await organizations.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        }
        var email = $"legacy-{Guid.NewGuid():N}@example.com";
        return (organizationId, await server.NewMemberAsync(organizationId, email), email);
    }

    /// <summary>
    /// A session stored as before (row <c>session|{key}</c> in the organization's partition, no provider), with a token of
    /// the given earlier format: migrates one, then moves its row.
    /// </summary>
    private async Task<(string Token, string MemberSessionId)> FirstLayoutSessionAsync(string organizationId, string memberId, string email, int tokenLength)
    {
        var migrated = (await server.MigrateAsync(organizationId, email)).AssertOk();
        var members = Table("Members");
        var current = (await members.GetEntityAsync<TableEntity>(organizationId, SessionRows.RowKey(migrated))).Value;
        var sessionKey = Keys.SessionKeyOf(current.RowKey);
        var organizationKey = Ids.OrganizationKey(organizationId);

        var raw = new byte[tokenLength == SessionToken.MemberLength ? 80 : 64];
        organizationKey.TryWriteBytes(raw.AsSpan(0, 16));
        if (raw.Length == 80) Ids.MemberKey(memberId).TryWriteBytes(raw.AsSpan(16, 16));
        sessionKey.TryWriteBytes(raw.AsSpan(raw.Length == 80 ? 32 : 16, 16));
        RandomNumberGenerator.Fill(raw.AsSpan(raw.Length - 32));
        var token = Base64Url.EncodeToString(raw);
        Assert.Equal(tokenLength, token.Length);

        var old = new TableEntity(current) { PartitionKey = organizationId, RowKey = Keys.Session(sessionKey), ["TokenHash"] = SessionToken.Hash(token) };
        old.Remove("Provider");
        old.Remove("odata.etag");
        await members.AddEntityAsync(old);
        await members.DeleteEntityAsync(current.PartitionKey, current.RowKey, ETag.All);
        return (token, Ids.Session(organizationKey, sessionKey));
    }
}
