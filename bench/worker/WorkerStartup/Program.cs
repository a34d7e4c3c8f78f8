using System.Diagnostics;
using System.Runtime;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SessionFunctions.Api;
using SessionFunctions.Core.Storage;
using SessionFunctions.Functions;

// Prints one JSON line: milliseconds from process start to each stage, then the CPU and memory of a burst of requests.
// Settings come from the environment (Sessions__*, Storage__*, Signing__*), as in the worker.
var sinceStart = () => (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
var marks = new Dictionary<string, double> { ["main"] = sinceStart() };

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddSessionWorker();
var registrations = builder.Services;
await using var services = builder.Services.BuildServiceProvider();
marks["provider"] = sinceStart();

foreach (var d in registrations.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Assembly == typeof(SessionTables).Assembly))
    await ((IHostedService)ActivatorUtilities.CreateInstance(services, d.ImplementationType!)).StartAsync(CancellationToken.None);
marks["startup_tasks"] = sinceStart();

var configuration = services.GetRequiredService<IConfiguration>();
var projectId = configuration["Sessions:ProjectId"]!;
var auth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{projectId}:{configuration["Sessions:ProjectSecret"]}"));

async Task<int> SendAsync(string method, string path, string? body = null)
{
    await using var scope = services.CreateAsyncScope();
    var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider, Request = { Method = method, Path = path }, Response = { Body = Stream.Null } };
    context.Request.Headers.Authorization = auth;
    if (body is not null)
    {
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
    }
    await SessionApiDispatch.DispatchAsync(context);
    return context.Response.StatusCode;
}

var jwks = await SendAsync("GET", $"/v1/b2b/sessions/jwks/{projectId}");
marks["first_jwks"] = sinceStart();
var slug = "bench-" + Guid.NewGuid().ToString("N")[..10];
var created = await SendAsync("POST", "/v1/b2b/organizations", $$"""{"organization_name":"Bench","organization_slug":"{{slug}}"}""");
marks["first_write"] = sinceStart();

// A burst of reads through the whole pipeline (Basic auth, organization from cache): CPU and memory under each GC mode.
var burst = int.Parse(Environment.GetEnvironmentVariable("BURST") ?? "2000");
var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
for (var i = 0; i < burst; i++) await SendAsync("GET", $"/v1/b2b/organizations/{slug}");
var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;

try { await services.GetRequiredService<SessionTables>().DeleteAsync(CancellationToken.None); } catch { /* best effort */ }
Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
{
    marks,
    jwks,
    created,
    server_gc = GCSettings.IsServerGC,
    burst,
    burst_cpu_ms_per_request = Math.Round(cpu / burst, 3),
    peak_working_set_mib = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0,
}));
