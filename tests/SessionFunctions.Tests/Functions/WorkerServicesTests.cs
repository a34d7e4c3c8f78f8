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
/// Builds the worker's services the way Program.cs does (FunctionsApplication, AddSessionWorker), with the settings of
/// local.settings.example.json, and without a host: a missing registration or a setting the example lacks fails here,
/// not in Azure. Requests reach the functions themselves as the worker hands them over (<see cref="InvocationRequest"/>).
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
    private ServiceProvider Build(string? exportTo, IDictionary<string, string?>? overrides = null)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        // What `func start` hands the worker: local.settings.example.json's Values as environment-style settings.
        using var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "local.settings.example.json")));
        var settings = example.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":"), p => (string?)p.Value.GetString());
        settings["Storage:ConnectionString"] = TestStorage.ConnectionString;
        settings["Storage:TablePrefix"] = TestStorage.NewTablePrefix();
        settings["Signing:LocalKeyPath"] = Path.Combine(_directory, "signing-key.pem");
        if (exportTo is not null) settings[SessionTelemetry.OtlpSetting] = exportTo;
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>()) settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        _projectId = settings["Sessions:ProjectId"]!;
        _secret = settings["Sessions:ProjectSecret"]!;

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

    private string Basic => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_projectId}:{_secret}"));

    private async Task StartUpAsync()
    {
        // Our start-up work (tables, signing keys); the worker's own hosted services need the host's gRPC channel.
        foreach (var d in _registrations.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Assembly == typeof(SessionTables).Assembly))
            await ((IHostedService)ActivatorUtilities.CreateInstance(_services, d.ImplementationType!)).StartAsync(CancellationToken.None);
    }

    /// <summary>Calls the function named <paramref name="function"/> (a method of HttpFunctions or CatchAllFunction) as the worker would.</summary>
    private async Task<InvocationAnswer> InvokeAsync(Type functions, string function, string method, string pathAndQuery, string? body = "{}",
        IDictionary<string, string>? headers = null, string? contentType = "application/json", CancellationToken cancellation = default,
        string host = "127.0.0.1:7071")
    {
        await using var scope = _services.CreateAsyncScope();
        var all = new Dictionary<string, string> { ["authorization"] = Basic }; // the caller's headers may replace it
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) all[name] = value;
        var template = functions == typeof(HttpFunctions) ? SessionApiRoutes.All.Single(r => r.Name == function).Template : "{*path}";
        var request = new InvocationRequest(scope.ServiceProvider, method, template, pathAndQuery, body, all, contentType, cancellation, host);
        var answer = await (Task<Microsoft.Azure.Functions.Worker.Http.HttpResponseData>)functions.GetMethod(function)!.Invoke(null, [request])!;
        return InvocationAnswer.Read(answer);
    }

    [Fact]
    public async Task Every_route_is_served_by_its_own_function_through_the_workers_services_without_a_500()
    {
        await StartUpAsync();
        foreach (var route in SessionApiRoutes.All)
        {
            var path = "/" + string.Join('/', route.Template.Split('/').Select(s => s.StartsWith('{') ? (s == "{project_id}" ? _projectId : "unknown") : s));
            var answer = await InvokeAsync(typeof(HttpFunctions), route.Name, route.Verb, path);
            // Each handler resolves the services it needs before it reads its input: 200 or a client error, never a 500.
            Assert.True(answer.Status is >= 200 and < 500, $"{route.Verb} {path}: {answer.Status} {answer.Body}");
            Assert.Equal("application/json; charset=utf-8", answer.Headers["Content-Type"]);
        }
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("failed unexpectedly"));
    }

    [Fact]
    public async Task The_function_answers_what_the_api_wrote_status_headers_and_json()
    {
        await StartUpAsync();
        var jwks = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.Jwks), "GET", $"/v1/b2b/sessions/jwks/{_projectId}", body: null);
        Assert.Equal(200, jwks.Status);
        Assert.NotEmpty(jwks.Json.GetProperty("keys").EnumerateArray());

        var wrongVerb = await InvokeAsync(typeof(CatchAllFunction), nameof(CatchAllFunction.Run), "PATCH", "/v1/b2b/sessions/migrate");
        Assert.Equal((405, "method_not_allowed", "POST"), (wrongVerb.Status, wrongVerb.ErrorType, wrongVerb.Headers["Allow"]));

        var unknown = await InvokeAsync(typeof(CatchAllFunction), nameof(CatchAllFunction.RunGet), "GET", "/v1/b2b/nothing/here", body: null);
        Assert.Equal((404, "route_not_found"), (unknown.Status, unknown.ErrorType));

        var badCredentials = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.MigrateSession), "POST", "/v1/b2b/sessions/migrate",
            headers: new Dictionary<string, string> { ["authorization"] = "Basic " + Convert.ToBase64String("project-test-x:wrong"u8) });
        Assert.Equal((401, "unauthorized_credentials"), (badCredentials.Status, badCredentials.ErrorType));
        Assert.StartsWith("request-id-", badCredentials.Json.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task A_request_the_host_cancelled_is_answered_unavailable_never_an_empty_200()
    {
        await StartUpAsync();
        var cancelled = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.MigrateSession), "POST", "/v1/b2b/sessions/migrate",
            "{\"session_token\":\"x\",\"organization_id\":\"y\"}", cancellation: new CancellationToken(canceled: true));
        Assert.Equal((503, "server_unavailable"), (cancelled.Status, cancelled.ErrorType));
    }

    [Fact]
    public async Task A_request_whose_url_cannot_be_read_gets_the_400_envelope_not_a_500()
    {
        // An empty Host header (Kestrel takes it; Azure's front end always sends one) leaves the host writing "http:///v1/…".
        var answer = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.Jwks), "GET", $"/v1/b2b/sessions/jwks/{_projectId}", body: null, host: "");
        Assert.Equal((400, "bad_request"), (answer.Status, answer.ErrorType));
    }

    [Fact]
    public async Task The_query_the_body_and_escaped_path_segments_reach_the_api_as_the_client_sent_them()
    {
        await StartUpAsync();
        // The query string is read from the URL: a parameter given twice is refused by name.
        var twice = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.ListSessions), "GET", "/v1/b2b/sessions?organization_id=a&organization_id=b", body: null);
        Assert.Equal((400, "invalid_argument"), (twice.Status, twice.ErrorType));
        Assert.Contains("organization_id", twice.Json.GetProperty("error_message").GetString());

        // The path is decoded once, as on the Server: %2500 is the id "%00" (not found), never a NUL (the host writes its
        // decoded path into the URL with "%00" in it, and a second decoding threw before the API ran).
        var percent = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.GetOrganization), "GET", "/v1/b2b/organizations/%2500", body: null);
        Assert.Equal((404, "organization_not_found"), (percent.Status, percent.ErrorType));
        var unknownPercent = await InvokeAsync(typeof(CatchAllFunction), nameof(CatchAllFunction.RunGet), "GET", "/v1/b2b/x/%2500", body: null);
        Assert.Equal((404, "route_not_found"), (unknownPercent.Status, unknownPercent.ErrorType));

        // %2F inside a segment stays inside it: the route still matches and the value is the organization's id, not a path.
        var escaped = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.GetOrganization), "GET", "/v1/b2b/organizations/a%2Fb", body: null);
        Assert.NotEqual("route_not_found", escaped.ErrorType);
        Assert.Equal(404, escaped.Status);

        var body = "{\"organization_name\": 7}";
        var wrongType = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.CreateOrganization), "POST", "/v1/b2b/organizations", body);
        Assert.Equal((400, "invalid_argument"), (wrongType.Status, wrongType.ErrorType));

        var text = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.CreateOrganization), "POST", "/v1/b2b/organizations", "hello", contentType: "text/plain");
        Assert.Equal(415, text.Status);

        // The host drops a body sent without Content-Length (chunked, or HTTP/2): refused, never read as {}; verbs and
        // paths that read no body are answered as usual.
        var chunked = new Dictionary<string, string> { ["transfer-encoding"] = "chunked", ["content-type"] = "application/json" };
        var dropped = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.CreateOrganization), "POST", "/v1/b2b/organizations", body: null, headers: chunked);
        Assert.Equal((411, "bad_request"), (dropped.Status, dropped.ErrorType));
        var update = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.UpdateOrganization), "PUT", "/v1/b2b/organizations/x", body: null);
        Assert.Equal((411, "bad_request"), (update.Status, update.ErrorType));
        var jwks = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.Jwks), "GET", $"/v1/b2b/sessions/jwks/{_projectId}", body: null, headers: chunked);
        Assert.Equal(200, jwks.Status);
        var unknown = await InvokeAsync(typeof(CatchAllFunction), nameof(CatchAllFunction.RunPost), "POST", "/v1/b2b/nothing", body: null, headers: chunked);
        Assert.Equal((404, "route_not_found"), (unknown.Status, unknown.ErrorType));

        var large = await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.CreateOrganization), "POST", "/v1/b2b/organizations", "{\"x\":\"" + new string('a', 70 * 1024) + "\"}");
        Assert.Equal((413, "bad_request"), (large.Status, large.ErrorType));
    }

    /// <summary>
    /// The host sends the worker no client address, and whatever X-Forwarded-For the caller wrote: without trusted proxies
    /// every caller of the Functions app counts in one bucket (a forged header picks none); with one, the address it
    /// appended (the right-most) counts.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task In_the_worker_the_per_client_limits_count_one_shared_bucket_unless_a_trusted_proxy_names_the_client(int trustedProxies)
    {
        await _services.DisposeAsync();
        _services = Build(exportTo: null, new Dictionary<string, string?>
        {
            ["Api:RateLimit:FailedAuthenticationPermits"] = "2",
            ["Api:RateLimit:TrustedProxies"] = trustedProxies.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Api:RateLimit:Window"] = "00:10:00",
        });
        await StartUpAsync();
        async Task<int> BadCredentialsAsync(string forwardedFor) => (await InvokeAsync(typeof(HttpFunctions), nameof(HttpFunctions.MigrateSession), "POST",
            "/v1/b2b/sessions/migrate", headers: new Dictionary<string, string>
            {
                ["authorization"] = "Basic " + Convert.ToBase64String("project-test-x:wrong"u8),
                ["x-forwarded-for"] = forwardedFor,
            })).Status;

        Assert.Equal(401, await BadCredentialsAsync("198.51.100.1"));
        Assert.Equal(401, await BadCredentialsAsync("198.51.100.2, 203.0.113.5"));
        // A third caller: refused with the others when nothing names it, counted on its own when a trusted proxy does.
        Assert.Equal(trustedProxies == 0 ? 429 : 401, await BadCredentialsAsync("203.0.113.6"));
        // The second caller again, behind a forged left part: its own second failure, or the shared bucket's fourth.
        Assert.Equal(trustedProxies == 0 ? 429 : 401, await BadCredentialsAsync("198.51.100.9, 203.0.113.5"));
        Assert.Equal(429, await BadCredentialsAsync("203.0.113.7, 203.0.113.5"));
    }

    [Fact]
    public async Task The_worker_will_not_start_with_a_host_body_limit_below_the_apis()
    {
        Assert.Equal(64 * 1024, _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiOptions>>().Value.MaxRequestBodyBytes);
        await using var below = Build(exportTo: null, new Dictionary<string, string?> { [WorkerSetup.HostBodyLimit] = "65535" });
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => below.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiOptions>>().Value);
        Assert.Contains(WorkerSetup.HostBodyLimit, e.Message);
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
