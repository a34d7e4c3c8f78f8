using Azure.Data.Tables;
using SessionFunctions.Core.Storage;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Import;

/// <summary>
/// A member create that died (a crash, <c>kill -9</c> of the Server or of the import) after claiming a sharded member's
/// external-id pointer and before writing the member's rows leaves that pointer behind. Retried at once, the same create
/// (same email) must succeed, while another email still cannot take that external id (its write may be running).
/// </summary>
public sealed class InterruptedCreateTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_create_that_died_after_claiming_the_external_id_succeeds_when_retried_and_nobody_else_takes_the_id()
    {
        var organization = await server.NewOrganizationAsync();
        var someone = await server.NewMemberAsync(organization, "someone@corp.example");
        const string Email = "retried@corp.example", ExternalId = "legacy|retried";
        server.RememberEmail(Email);
        server.RememberEmail("other@corp.example");
        // What the dead create left: the pointer it claimed, naming the member it was about to write, whose rows never came.
        var shard = MemberPartition.ShardOfEmail(Email, MemberPartition.DefaultShards);
        Assert.True(MemberPartition.TryGetShard(Guid.ParseExact(someone[^32..], "N"), out _)); // a sharded organization
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        await table.AddEntityAsync(new TableEntity(organization, Keys.MemberExternalId(ExternalId))
        {
            ["Target"] = someone[..^32] + MemberPartition.NewShardedKey((byte)shard).ToString("N"),
            ["Email"] = Keys.Email(Email),
        });

        var other = await server.PostAsync($"/v1/b2b/organizations/{organization}/members", new { email_address = "other@corp.example", external_id = ExternalId });
        var retried = await server.PostAsync($"/v1/b2b/organizations/{organization}/members", new { email_address = Email, external_id = ExternalId });

        other.AssertError(400, "duplicate_member_external_id");
        var memberId = retried.AssertOk().Json.GetProperty("member").GetProperty("member_id").GetString();
        var found = (await server.GetAsync($"/v1/b2b/organizations/{organization}/member?member_id={Uri.EscapeDataString(ExternalId)}")).AssertOk();
        Assert.Equal(memberId, found.Json.GetProperty("member").GetProperty("member_id").GetString());
        var again = await server.PostAsync($"/v1/b2b/organizations/{organization}/members", new { email_address = "other@corp.example", external_id = ExternalId });
        again.AssertError(400, "duplicate_member_external_id");
    }

    [Fact]
    public async Task A_member_holds_its_external_id_when_its_pointer_names_a_create_of_its_email_that_lost_and_deleting_it_frees_the_id()
    {
        // Two creates of one email and external id: A claimed, B took the claim over (same email), A won the email row,
        // B failed and left the pointer (A holds it). The pointer names B, whose rows never came.
        var organization = await server.NewOrganizationAsync();
        const string Email = "winner@corp.example", ExternalId = "legacy|winner";
        var winner = await server.NewMemberAsync(organization, Email, externalId: ExternalId);
        server.RememberEmail("other@corp.example");
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        var pointer = (await table.GetEntityAsync<TableEntity>(organization, Keys.MemberExternalId(ExternalId))).Value;
        Assert.Equal((winner, Keys.Email(Email)), (pointer.GetString("Target"), pointer.GetString("Email")));
        var shard = MemberPartition.ShardOfEmail(Email, MemberPartition.DefaultShards);
        pointer["Target"] = winner[..^32] + MemberPartition.NewShardedKey((byte)shard).ToString("N");
        await table.UpdateEntityAsync(pointer, pointer.ETag, TableUpdateMode.Replace);

        var found = (await server.GetAsync($"/v1/b2b/organizations/{organization}/member?member_id={Uri.EscapeDataString(ExternalId)}")).AssertOk();
        var other = await server.PostAsync($"/v1/b2b/organizations/{organization}/members", new { email_address = "other@corp.example", external_id = ExternalId });
        (await server.DeleteAsync($"/v1/b2b/organizations/{organization}/members/{winner}")).AssertOk();
        var afterDelete = await server.PostAsync($"/v1/b2b/organizations/{organization}/members", new { email_address = "other@corp.example", external_id = ExternalId });

        Assert.Equal(winner, found.Json.GetProperty("member").GetProperty("member_id").GetString());
        other.AssertError(400, "duplicate_member_external_id");
        afterDelete.AssertOk(); // the delete released the pointer it held through its email, though it named another id
    }
}
