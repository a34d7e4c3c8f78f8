using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

/// <summary>
/// Two Servers on one storage account (one deployment's two instances): an update made on one shows on the other within
/// the change feed's poll interval, and the other's organization reads stay bounded however often it resolves them.
/// </summary>
public sealed class OrganizationCacheTests(OrganizationCacheTests.TwoInstances instances) : IClassFixture<OrganizationCacheTests.TwoInstances>
{
    public const string Poll = "00:00:01";

    public sealed class PollingServer : ServerFixture
    {
        protected override void Configure(IDictionary<string, string?> settings) => settings["Sessions:OrganizationChangePoll"] = Poll;
    }

    public sealed class TwoInstances : IAsyncLifetime
    {
        public PollingServer A { get; } = new();
        public PollingServer B { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await A.InitializeAsync();
            B = new PollingServer { TablePrefix = A.TablePrefix };
            await B.InitializeAsync();
        }

        public async Task DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
        }
    }

    private static string Slug() => "org-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Asks <paramref name="server"/> until <paramref name="done"/> holds; returns how long that took.</summary>
    private static async Task<TimeSpan> UntilAsync(Func<Task<bool>> done)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), "the other instance never saw the update");
            await Task.Delay(50);
        }
        return started.Elapsed;
    }

    [Fact]
    public async Task A_rename_and_a_trusted_metadata_change_on_one_instance_show_on_the_other_within_the_poll_interval()
    {
        var (slug, renamed) = (Slug(), Slug());
        var id = await instances.A.NewOrganizationAsync(slug);
        (await instances.B.GetAsync($"/v1/b2b/organizations/{slug}")).AssertOk(); // B caches it by id and by slug
        (await instances.B.GetAsync($"/v1/b2b/organizations/{id}")).AssertOk();

        (await instances.A.PutAsync($"/v1/b2b/organizations/{id}", new { organization_slug = renamed, trusted_metadata = new { tier = "gold" } })).AssertOk();
        var updated = DateTimeOffset.UtcNow;

        var seen = await UntilAsync(async () => (await instances.B.GetAsync($"/v1/b2b/organizations/{slug}")).Status == System.Net.HttpStatusCode.NotFound);
        var byId = (await instances.B.GetAsync($"/v1/b2b/organizations/{id}")).AssertOk().Json.GetProperty("organization");
        Assert.Equal(renamed, byId.GetProperty("organization_slug").GetString());
        Assert.Equal("gold", byId.GetProperty("trusted_metadata").GetProperty("tier").GetString());
        (await instances.B.GetAsync($"/v1/b2b/organizations/{renamed}")).AssertOk();
        Assert.True(DateTimeOffset.UtcNow - updated < TimeSpan.Parse(Poll) + TimeSpan.FromSeconds(2), $"seen after {seen}");
    }

    [Fact]
    public async Task Resolving_many_organizations_over_and_over_costs_one_feed_read_per_poll_interval_once_they_are_cached()
    {
        var ids = new List<string>();
        for (var i = 0; i < 20; i++) ids.Add(await instances.A.NewOrganizationAsync());
        foreach (var id in ids) (await instances.B.GetAsync($"/v1/b2b/organizations/{id}")).AssertOk();

        var feed = instances.B.Service<Core.Storage.OrganizationCache>();
        var feedBefore = feed.FeedRoundTrips;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (requests, reads) = (0, 0);
        while (started.Elapsed < TimeSpan.FromSeconds(3))
            foreach (var id in ids)
            {
                reads += (await instances.B.GetAsync($"/v1/b2b/organizations/{id}")).AssertOk().Cost("tables");
                requests++;
            }
        var seconds = started.Elapsed.TotalSeconds;
        var feedReads = (int)(feed.FeedRoundTrips - feedBefore);

        // No request reads an organization; the instance reads the change feed once per poll interval (a page may end at
        // a partition boundary: two), however many organizations it serves.
        Assert.Equal(0, reads);
        Assert.InRange(feedReads, 1, 2 * (seconds / TimeSpan.Parse(Poll).TotalSeconds + 1));
        reads += feedReads;
        Assert.True(requests > 3 * reads, $"{requests} lookups cost {reads} table reads");
    }
}
