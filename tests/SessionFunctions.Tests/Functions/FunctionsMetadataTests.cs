using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using NCrontab;
using SessionFunctions.Api;
using SessionFunctions.Core.Options;
using SessionFunctions.Functions;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Functions;

/// <summary>
/// Reads the functions.metadata the Functions SDK generates at build time (what the host loads) and holds it against
/// the route table: one HTTP function per route, same template and verb, route values bound by parameter name, and a
/// timer whose schedule resolves from the documented setting. A route added without its function fails here.
/// </summary>
public sealed partial class FunctionsMetadataTests
{
    private sealed record HttpFunction(string Name, string EntryPoint, string Route, string[] Methods);

    private static readonly JsonElement[] Metadata = Load();

    private static JsonElement[] Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the Functions project's build generates it (the test project references that project).");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static IEnumerable<JsonElement> Bindings(JsonElement function) => function.GetProperty("bindings").EnumerateArray();

    private static List<HttpFunction> HttpFunctions() =>
    [
        .. from f in Metadata
           from b in Bindings(f)
           where b.GetProperty("type").GetString() == "httpTrigger"
           select new HttpFunction(f.GetProperty("name").GetString()!, f.GetProperty("entryPoint").GetString()!,
               b.GetProperty("route").GetString()!, [.. b.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant())]),
    ];

    public static TheoryData<string> Routes() => [.. SessionApiRoutes.All.Select(r => r.Name)];

    private static ApiRoute Route(string name) => SessionApiRoutes.All.Single(r => r.Name == name);

    [Theory]
    [MemberData(nameof(Routes))]
    public void Every_route_has_exactly_one_function_with_its_template_and_verb(string name)
    {
        var route = Route(name);
        var matches = HttpFunctions().Where(f => f.Route == route.Template && f.Methods.SequenceEqual([route.Verb])).ToList();
        Assert.True(matches.Count == 1, $"{route.Verb} {route.Template}: {matches.Count} functions serve it; expected exactly one.");
        Assert.Equal(route.Name, matches[0].Name);
    }

    [Fact]
    public void Every_http_function_but_the_catch_alls_serves_a_route_of_the_table()
    {
        var functions = HttpFunctions();
        var catchAll = typeof(CatchAllFunction).FullName + ".";
        Assert.Contains(functions, f => f.EntryPoint.StartsWith(catchAll, StringComparison.Ordinal));
        var routed = functions.Where(f => !f.EntryPoint.StartsWith(catchAll, StringComparison.Ordinal)).ToList();
        foreach (var f in routed)
            Assert.True(SessionApiRoutes.All.Count(r => r.Template == f.Route && f.Methods.SequenceEqual([r.Verb])) == 1,
                $"Function {f.Name} ({string.Join(",", f.Methods)} {f.Route}) serves no route of SessionApiRoutes.All.");
        Assert.Equal(SessionApiRoutes.All.Count, routed.Count);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public void Each_function_takes_only_its_request_and_serves_the_route_of_its_own_name(string name)
    {
        var function = HttpFunctions().Single(f => f.Name == Route(name).Name);
        var method = EntryPoint(function.EntryPoint);
        // Route values are read from the path by the route's own template, so the function binds nothing else.
        Assert.Equal([typeof(Microsoft.Azure.Functions.Worker.Http.HttpRequestData)], method.GetParameters().Select(p => p.ParameterType));
        Assert.Equal(name, method.Name);
    }

    [Fact]
    public void Every_http_function_answers_through_its_return_value()
    {
        // The built-in HTTP model: the host takes the answer from the invocation's result, an "http" output named $return.
        foreach (var f in Metadata.Where(f => Bindings(f).Any(b => b.GetProperty("type").GetString() == "httpTrigger")))
            Assert.Single(Bindings(f), b => b.GetProperty("name").GetString() == "$return" && b.GetProperty("type").GetString() == "http"
                && b.GetProperty("direction").GetString() == "Out");
    }

    [Fact]
    public void The_sweep_timer_reads_its_schedule_from_the_documented_setting()
    {
        var timers = (from f in Metadata from b in Bindings(f) where b.GetProperty("type").GetString() == "timerTrigger" select b).ToList();
        var schedule = Assert.Single(timers).GetProperty("schedule").GetString()!;
        var setting = Assert.Single(Regex.Matches(schedule, "^%(.+)%$")).Groups[1].Value;
        Assert.Equal($"{SweepOptions.Section}:{nameof(SweepOptions.Schedule)}", setting);

        // The documented app setting is Sweep__Schedule; the host reads settings as environment variables ("__" is ":").
        var prefix = $"SFTEST{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Sweep__Schedule", "0 */7 * * * *");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            Assert.Equal("0 */7 * * * *", configuration[setting]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Sweep__Schedule", null);
        }

        // local.settings.example.json (what `func start` reads) sets it, to a six-field NCRONTAB.
        using var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.example.json")));
        var value = example.RootElement.GetProperty("Values").GetProperty("Sweep__Schedule").GetString()!;
        Assert.NotNull(CrontabSchedule.TryParse(value, new CrontabSchedule.ParseOptions { IncludingSeconds = true }));
    }

    [Fact]
    public void The_sweep_timer_writes_its_plan_to_the_queue_that_triggers_the_partition_sweep_on_the_hosts_storage()
    {
        var timer = Assert.Single(Metadata, f => Bindings(f).Any(b => b.GetProperty("type").GetString() == "timerTrigger"));
        var output = Assert.Single(Bindings(timer), b => b.GetProperty("type").GetString() == "queue");
        Assert.Equal("Out", output.GetProperty("direction").GetString());
        Assert.Equal(SweepFunction.Queue, output.GetProperty("queueName").GetString());

        var trigger = Assert.Single(from f in Metadata from b in Bindings(f) where b.GetProperty("type").GetString() == "queueTrigger" select (Function: f, Binding: b));
        Assert.Equal("SweepExpiryPartition", trigger.Function.GetProperty("name").GetString());
        Assert.Equal(SweepFunction.Queue, trigger.Binding.GetProperty("queueName").GetString());
        // No Connection named: both use AzureWebJobsStorage, the host's account (identity-based in Azure: infra/modules/app.bicep).
        Assert.False(output.TryGetProperty("connection", out var c1) && c1.GetString() is { Length: > 0 });
        Assert.False(trigger.Binding.TryGetProperty("connection", out var c2) && c2.GetString() is { Length: > 0 });
        var bicep = File.ReadAllText(Path.Combine(Repository.Root, "infra", "modules", "storage.bicep"));
        Assert.Contains($"name: '{SweepFunction.Queue}'", bicep);
    }

    private static MethodInfo EntryPoint(string entryPoint)
    {
        var split = entryPoint.LastIndexOf('.');
        var type = typeof(CatchAllFunction).Assembly.GetType(entryPoint[..split], throwOnError: true)!;
        return Assert.Single(type.GetMethods(), m => m.Name == entryPoint[(split + 1)..]);
    }
}
