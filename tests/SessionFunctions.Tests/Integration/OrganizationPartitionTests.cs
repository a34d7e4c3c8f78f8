using System.Text.Json;
using Azure.Data.Tables;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>
/// Organizations and their names spread over hashed partitions; rows of the old single partition keep working and move
/// on their first update.
/// </summary>
public sealed class OrganizationPartitionTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private static string Slug() => "org-" + Guid.NewGuid().ToString("N")[..12];

    private TableClient Organizations => new TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Organizations");

    [Fact]
    public async Task An_organization_and_its_names_live_in_partitions_named_by_their_hashes_never_in_one_shared_partition()
    {
        var (slug, external) = (Slug(), "ext-" + Guid.NewGuid().ToString("N"));
        var id = await server.NewOrganizationAsync(slug, external);

        var rows = (await server.AllRowsAsync()).Where(r => r.StartsWith("Organizations/")).ToList();

        Assert.Contains($"Organizations/{Keys.OrganizationPartition(id)}/id|{id}", rows);
        foreach (var name in new[] { slug, external })
            Assert.Contains($"Organizations/{Keys.OrganizationNamePartition(Keys.OrganizationName(name))}/{Keys.OrganizationName(name)}", rows);
        Assert.DoesNotContain(rows, r => r.StartsWith($"Organizations/{Keys.LegacyOrganizationsPartition}/"));
        Assert.Matches("^org\\|[0-9a-f]{2}$", Keys.OrganizationPartition(id));
    }

    [Fact]
    public async Task Of_many_creates_racing_for_one_slug_exactly_one_wins_and_the_slug_leads_to_it()
    {
        var slug = Slug();

        var calls = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            server.PostAsync("/v1/b2b/organizations", new { organization_name = $"Racer {i}", organization_slug = slug })));

        var winner = Assert.Single(calls, c => c.Status == System.Net.HttpStatusCode.OK);
        Assert.All(calls.Where(c => c != winner), c => c.AssertError(400, "organization_slug_already_used"));
        Assert.Equal(winner.Json.GetProperty("organization").GetProperty("organization_id").GetString(),
            (await server.GetAsync($"/v1/b2b/organizations/{slug}")).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString());
    }

    [Fact]
    public async Task An_organization_stored_in_the_old_single_partition_is_found_keeps_its_names_and_moves_on_its_first_update()
    {
        var (id, slug) = await LegacyOrganizationAsync();

        (await server.GetAsync($"/v1/b2b/organizations/{id}")).AssertOk();
        Assert.Equal(id, (await server.GetAsync($"/v1/b2b/organizations/{slug.ToUpperInvariant()}")).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString());
        (await server.PostAsync("/v1/b2b/organizations", new { organization_name = "Clash", organization_slug = slug }))
            .AssertError(400, "organization_slug_already_used");

        var renamed = Slug();
        (await server.PutAsync($"/v1/b2b/organizations/{id}", new { organization_slug = renamed })).AssertOk();

        var rows = (await server.AllRowsAsync()).Where(r => r.StartsWith("Organizations/")).ToList();
        Assert.Contains($"Organizations/{Keys.OrganizationPartition(id)}/id|{id}", rows);
        Assert.DoesNotContain(rows, r => r.StartsWith($"Organizations/{Keys.LegacyOrganizationsPartition}/"));
        (await server.GetAsync($"/v1/b2b/organizations/{renamed}")).AssertOk();
        (await server.GetAsync($"/v1/b2b/organizations/{slug}")).AssertError(404, "organization_not_found");
        await server.NewOrganizationAsync(slug); // the old slug is free again
    }

    [Fact]
    public async Task An_unchanged_slug_of_a_moved_organization_stays_its_own()
    {
        var (id, slug) = await LegacyOrganizationAsync();

        (await server.PutAsync($"/v1/b2b/organizations/{id}", new { organization_name = "Renamed" })).AssertOk();

        Assert.Equal("Renamed", (await server.GetAsync($"/v1/b2b/organizations/{slug}")).AssertOk().Json.GetProperty("organization").GetProperty("organization_name").GetString());
        (await server.PostAsync("/v1/b2b/organizations", new { organization_name = "Clash", organization_slug = slug }))
            .AssertError(400, "organization_slug_already_used");
    }

    /// <summary>Writes an organization as the service did before organizations were spread: one partition for everything.</summary>
    private async Task<(string Id, string Slug)> LegacyOrganizationAsync()
    {
        var id = server.Service<Core.Identity.IdFormat>().Organization(Guid.NewGuid());
        var slug = Slug();
        var organization = new Organization { OrganizationId = id, OrganizationName = "Legacy", OrganizationSlug = slug, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow };
        await Organizations.SubmitTransactionAsync(
        [
            new(TableTransactionActionType.Add, new TableEntity(Keys.LegacyOrganizationsPartition, Keys.Organization(id)) { ["Payload"] = JsonSerializer.Serialize(organization, SessionJson.Options) }),
            new(TableTransactionActionType.Add, new TableEntity(Keys.LegacyOrganizationsPartition, Keys.OrganizationName(slug)) { ["Target"] = id }),
        ]);
        return (id, slug);
    }
}

/// <summary>
/// A create or update that stops between its writes (they span partitions, so they cannot be one transaction) leaves
/// nothing that resolves wrongly: at most a name pointer that leads nowhere and that the next writer wanting it takes
/// over once the claim's lease has passed.
/// </summary>
public sealed class OrganizationCrashTests(OrganizationCrashTests.FaultyFakeClockServer server) : IClassFixture<OrganizationCrashTests.FaultyFakeClockServer>
{
    public sealed class FaultyFakeClockServer : ServerFixture
    {
        protected override bool UseFakeClock => true;
        public StorageFaults Faults { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) =>
            services.AddSingleton(new TablePipelinePolicy(Faults, Azure.Core.HttpPipelinePosition.PerRetry));
    }

    private void AfterTheLease() => server.Clock!.Advance(OrganizationStore.NameClaimLease);

    private static string Slug() => "org-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<ApiCall> CrashingAfterAsync(int writes, Func<Task<ApiCall>> call)
    {
        server.Faults.FailSingleWritesAfter(writes);
        try { return await call(); }
        finally { server.Faults.Disarm(); }
    }

    [Fact]
    public async Task A_create_that_stops_after_claiming_its_slug_leaves_a_slug_that_resolves_to_nothing_and_that_the_next_create_takes()
    {
        var slug = Slug();

        (await CrashingAfterAsync(1, () => server.PostAsync("/v1/b2b/organizations", new { organization_name = "Half", organization_slug = slug })))
            .AssertError(503, "server_unavailable");

        Assert.Contains(await server.AllRowsAsync(), r => r.EndsWith("/" + Keys.OrganizationName(slug)));
        (await server.GetAsync($"/v1/b2b/organizations/{slug}")).AssertError(404, "organization_not_found");
        (await server.PostAsync("/v1/b2b/organizations", new { organization_name = "Soon", organization_slug = slug }))
            .AssertError(400, "organization_slug_already_used"); // the claim may still be on its way: not yet
        AfterTheLease();
        var id = await server.NewOrganizationAsync(slug);
        Assert.Equal(id, (await server.GetAsync($"/v1/b2b/organizations/{slug}")).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString());
    }

    [Fact]
    public async Task An_update_that_stops_after_claiming_the_new_slug_keeps_the_old_one_and_leaves_the_new_one_to_whoever_wants_it()
    {
        var (slug, renamed) = (Slug(), Slug());
        var id = await server.NewOrganizationAsync(slug);

        // Writes: the change feed row, the new slug's pointer, then (failing) the organization.
        (await CrashingAfterAsync(2, () => server.PutAsync($"/v1/b2b/organizations/{id}", new { organization_slug = renamed })))
            .AssertError(503, "server_unavailable");

        Assert.Equal(slug, (await server.GetAsync($"/v1/b2b/organizations/{id}")).AssertOk().Json.GetProperty("organization").GetProperty("organization_slug").GetString());
        (await server.GetAsync($"/v1/b2b/organizations/{slug}")).AssertOk();
        (await server.GetAsync($"/v1/b2b/organizations/{renamed}")).AssertError(404, "organization_not_found");
        AfterTheLease();
        var other = await server.NewOrganizationAsync(renamed);
        Assert.Equal(other, (await server.GetAsync($"/v1/b2b/organizations/{renamed}")).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString());
        (await server.PutAsync($"/v1/b2b/organizations/{id}", new { organization_slug = renamed })).AssertError(400, "organization_slug_already_used");
    }

    [Fact]
    public async Task An_update_that_stops_before_dropping_the_old_slug_leaves_it_resolving_to_nothing_and_free_to_take()
    {
        var (slug, renamed) = (Slug(), Slug());
        var id = await server.NewOrganizationAsync(slug);

        // Writes: the change feed row, the new slug's pointer, the organization, then (failing) the old slug's removal.
        (await CrashingAfterAsync(3, () => server.PutAsync($"/v1/b2b/organizations/{id}", new { organization_slug = renamed })))
            .AssertError(503, "server_unavailable");

        Assert.Contains(await server.AllRowsAsync(), r => r.EndsWith("/" + Keys.OrganizationName(slug)));
        (await server.GetAsync($"/v1/b2b/organizations/{renamed}")).AssertOk();
        (await server.GetAsync($"/v1/b2b/organizations/{slug}")).AssertError(404, "organization_not_found");
        AfterTheLease();
        var other = await server.NewOrganizationAsync(slug);
        Assert.Equal(other, (await server.GetAsync($"/v1/b2b/organizations/{slug.ToUpperInvariant()}")).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString());
    }
}
