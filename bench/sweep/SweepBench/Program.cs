// Sweep scaling: builds the real app (SessionServer.Build) on Azurite with a FakeTimeProvider, seeds N live sessions
// (10 h) and E sessions that expire after 5 minutes through the HTTP API (migrate, against an in-process UserInfo
// stand-in), moves the clock 10 minutes on, and times SweepExpiredSessions.RunAsync inside RequestCosts.Begin(),
// which counts every table HTTP attempt in that async flow. Prints a markdown table and one JSON line per case.
//
//   dotnet SweepBench.dll "<connection string>" [N list] [E list] [repeats]   e.g. ... "100,1000" "0,10,100,500" 3
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Time.Testing;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Storage;
using SessionFunctions.Server;

var connection = args.Length > 0 ? args[0] : "UseDevelopmentStorage=true";
var liveCounts = (args.Length > 1 ? args[1] : "100,1000").Split(',').Select(int.Parse).ToArray();
var expiredCounts = (args.Length > 2 ? args[2] : "0,10,100,500").Split(',').Select(int.Parse).ToArray();
var repeats = args.Length > 3 ? int.Parse(args[3]) : 3;

// The legacy provider: the bearer token is the email.
var userInfoBuilder = WebApplication.CreateSlimBuilder();
userInfoBuilder.WebHost.UseUrls("http://127.0.0.1:0");
userInfoBuilder.Logging.ClearProviders();
var userInfo = userInfoBuilder.Build();
userInfo.MapGet("/userinfo", (HttpRequest r) => Results.Json(new { email = r.Headers.Authorization.ToString()["Bearer ".Length..], email_verified = true }));
await userInfo.StartAsync();
var userInfoUrl = Address(userInfo) + "/userinfo";

var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
var project = "project-test-" + Guid.NewGuid();
var secret = "secret-bench-" + Guid.NewGuid().ToString("N");
var prefix = "sweep" + Guid.NewGuid().ToString("N")[..8];
var keyDirectory = Path.Combine(Path.GetTempPath(), "sessionfunctions-sweep-" + Guid.NewGuid().ToString("N"));
var app = SessionServer.Build([], builder =>
{
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.ClearProviders();
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Sessions:ProjectId"] = project,
        ["Sessions:ProjectSecret"] = secret,
        ["Sessions:UserInfoUrl"] = userInfoUrl,
        ["Storage:ConnectionString"] = connection,
        ["Storage:TablePrefix"] = prefix,
        ["Signing:LocalKeyPath"] = Path.Combine(keyDirectory, "signing-key.pem"),
        ["Sweep:Schedule"] = "0 0 0 1 1 *", // this program runs the sweep itself
        ["Api:RateLimit:ProjectPermits"] = "0",
        ["Api:RateLimit:ClientPermits"] = "0",
    });
    builder.Services.AddSingleton<TimeProvider>(clock);
});
await app.StartAsync();
var http = new HttpClient { BaseAddress = new Uri(Address(app)) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{project}:{secret}")));
var sweep = app.Services.GetRequiredService<SweepExpiredSessions>();
var results = new List<string>();

try
{
    var organization = (await Post("/v1/b2b/organizations", new { organization_name = "Sweep", organization_slug = prefix }))
        .GetProperty("organization").GetProperty("organization_id").GetString()!;
    var members = Enumerable.Range(0, 50).Select(i => $"sweep-{i}@bench.example").ToArray();
    await Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = 8 },
        async (email, _) => await Post($"/v1/b2b/organizations/{organization}/members", new { email_address = email }));
    await sweep.RunAsync(CancellationToken.None); // warm up the sweep's code paths on an empty index

    var live = 0;
    Console.WriteLine("| N live | E expired | sweep ms (median of runs) | table round trips | due | deleted | other outcomes |");
    Console.WriteLine("|--:|--:|--:|--:|--:|--:|---|");
    foreach (var n in liveCounts)
    {
        await Seed(n - live, minutes: 600); // live sessions outlast every clock move below
        live = n;
        foreach (var e in expiredCounts)
        {
            var times = new List<double>();
            int trips = 0;
            SweepReport? report = null;
            for (var run = 0; run < repeats; run++)
            {
                await Seed(e, minutes: 5);
                clock.Advance(TimeSpan.FromMinutes(10));
                var costs = RequestCosts.Begin();
                var watch = Stopwatch.StartNew();
                report = await sweep.RunAsync(CancellationToken.None);
                watch.Stop();
                times.Add(watch.Elapsed.TotalMilliseconds);
                trips = costs.TableRoundTrips;
                if (report.Deleted != e) throw new InvalidOperationException($"expected {e} deleted, got {report}");
            }
            times.Sort();
            var median = times[times.Count / 2];
            Console.WriteLine($"| {n} | {e} | {median:0.0} | {trips} | {report!.Due} | {report.Deleted} | extended={report.Extended} already_gone={report.AlreadyGone} |");
            results.Add(JsonSerializer.Serialize(new { live = n, expired = e, median_ms = median, runs_ms = times, table_round_trips = trips, due = report.Due, deleted = report.Deleted }));
        }
    }
    Console.WriteLine();
    foreach (var line in results) Console.WriteLine("RESULT " + line);

    async Task Seed(int count, int minutes)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            await Post("/v1/b2b/sessions/migrate", new { session_token = members[i % members.Length], organization_id = organization, session_duration_minutes = minutes }));
    }
}
finally
{
    try { await app.Services.GetRequiredService<SessionTables>().DeleteAsync(CancellationToken.None); }
    catch (Exception e) { Console.Error.WriteLine("could not drop the tables: " + e.Message); }
    await app.StopAsync();
    await userInfo.StopAsync();
    try { Directory.Delete(keyDirectory, recursive: true); } catch (IOException) { }
}

async Task<JsonElement> Post(string path, object body)
{
    using var response = await http.PostAsJsonAsync(path, body);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
    return JsonDocument.Parse(text).RootElement.Clone();
}

static string Address(WebApplication a) => a.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
