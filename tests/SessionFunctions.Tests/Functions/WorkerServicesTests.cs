using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionFunctions.Api;
using SessionFunctions.Core.Storage;
using SessionFunctions.Functions;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Functions;

/// <summary>
/// Builds the worker's services the way Program.cs does (FunctionsApplication, ConfigureFunctionsWebApplication,
/// AddSessionWorker), with the settings of local.settings.example.json, and without a host: a missing registration
/// or a setting the example lacks fails here, not in Azure.
/// </summary>
public sealed class WorkerServicesTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sessionfunctions-tests", Guid.NewGuid().ToString("N"));
    private readonly LogCapture _logs = new();
    private ServiceProvider _services = null!;
    private IServiceCollection _registrations = null!;
    private string _projectId = "", _secret = "";

    public Task InitializeAsync()
    {
        _services = Build(exportTo: null);
        return Task.CompletedTask;
    }

    /// <summary>The worker's services as Program.cs registers them, optionally exporting telemetry over OTLP.</summary>
    private ServiceProvider Build(string? exportTo)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        // What `func start` hands the worker: local.settings.example.json's Values as environment-style settings.
        using var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.example.json")));
        var settings = example.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":"), p => (string?)p.Value.GetString());
        settings["Storage:ConnectionString"] = TestStorage.ConnectionString;
        settings["Storage:TablePrefix"] = TestStorage.NewTablePrefix();
        settings["Signing:LocalKeyPath"] = Path.Combine(_directory, "signing-key.pem");
        if (exportTo is not null) settings[SessionTelemetry.OtlpSetting] = exportTo;
        builder.Configuration.AddInMemoryCollection(settings);
        _projectId = settings["Sessions:ProjectId"]!;
        _secret = settings["Sessions:ProjectSecret"]!;

        builder.ConfigureFunctionsWebApplication();
        builder.AddSessionWorker();
        builder.Logging.AddProvider(_logs);
        _registrations = builder.Services;
        return builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public async Task DisposeAsync()
    {
        try { await _services.GetRequiredService<SessionTables>().DeleteAsync(CancellationToken.None); } catch { /* best effort */ }
        await _services.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    public static TheoryData<string> FunctionClasses() =>
    [
        .. typeof(CatchAllFunction).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .Select(t => t.FullName!),
    ];

    [Theory]
    [MemberData(nameof(FunctionClasses))]
    public void Every_function_class_can_be_built_from_the_workers_services(string typeName)
    {
        var type = typeof(CatchAllFunction).Assembly.GetType(typeName)!;
        if (type.IsAbstract && type.IsSealed) return; // static: its calls resolve services per request (the next test)
        Assert.NotNull(ActivatorUtilities.CreateInstance(_services, type));
    }

    [Fact]
    public async Task Every_route_is_served_by_name_through_the_workers_services_without_a_500()
    {
        // Our start-up work (tables, signing keys); the worker's own hosted services need the host's gRPC channel.
        foreach (var d in _registrations.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Assembly == typeof(SessionTables).Assembly))
            await ((IHostedService)ActivatorUtilities.CreateInstance(_services, d.ImplementationType!)).StartAsync(CancellationToken.None);

        foreach (var route in SessionApiRoutes.All)
        {
            await using var scope = _services.CreateAsyncScope();
            var path = "/" + string.Join('/', route.Template.Split('/').Select(s => s.StartsWith('{') ? (s == "{project_id}" ? _projectId : "unknown") : s));
            var context = new DefaultHttpContext
            {
                RequestServices = scope.ServiceProvider,
                Request = { Method = route.Verb, Path = path, ContentType = "application/json", Body = new MemoryStream("{}"u8.ToArray()) },
                Response = { Body = new MemoryStream() },
            };
            context.Request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_projectId}:{_secret}"))).ToString();

            await SessionApi.ServeAsync(context.Request, route.Name); // what the route's own function calls

            context.Response.Body.Position = 0;
            var body = new StreamReader(context.Response.Body).ReadToEnd();
            // Each handler resolves the services it needs before it reads its input: 200 or a client error, never a 500.
            Assert.True(context.Response.StatusCode is >= 200 and < 500, $"{route.Verb} {path}: {context.Response.StatusCode} {body}");
        }
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("failed unexpectedly"));
    }

    [Fact]
    public async Task With_an_exporter_the_worker_registers_traces_and_metrics_and_none_without()
    {
        Assert.Null(_services.GetService<OpenTelemetry.Trace.TracerProvider>());
        await using var exporting = Build(exportTo: "http://127.0.0.1:9");
        Assert.NotNull(exporting.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.NotNull(exporting.GetService<OpenTelemetry.Metrics.MeterProvider>());
    }

    [Theory]
    [InlineData("System.Net.Http.HttpClient.UserInfoClient.LogicalHandler")]
    [InlineData("System.Net.Http.HttpClient.UserInfoClient.ClientHandler")]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics")]
    [InlineData("Azure.Core")]
    [InlineData("SessionFunctions.Core.Features.MigrateSession")]
    [InlineData("SessionFunctions.Core.Features.SweepExpiredSessions")]
    public void The_worker_sends_the_host_warnings_and_errors_only(string category)
    {
        var log = _services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
        Assert.False(log.IsEnabled(LogLevel.Information), $"{category} would send Information lines to the host");
        Assert.True(log.IsEnabled(LogLevel.Warning), $"{category} would drop warnings");
    }
}
