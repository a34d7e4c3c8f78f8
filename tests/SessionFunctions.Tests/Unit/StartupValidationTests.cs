using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Server;

namespace SessionFunctions.Tests.Unit;

public sealed class StartupValidationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sessionfunctions-unit", Guid.NewGuid().ToString("N"));
    private string KeyPath => Path.Combine(_directory, "signing-key.pem");

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    private Dictionary<string, string?> ValidSettings() => new()
    {
        ["Sessions:ProjectId"] = "project-test-" + Guid.NewGuid(),
        ["Sessions:ProjectSecret"] = "secret-test-0123456789abcdef",
        ["Sessions:UserInfoUrl"] = "http://127.0.0.1:9/userinfo",
        ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
        ["Storage:TablePrefix"] = "unit" + Guid.NewGuid().ToString("N")[..8],
        ["Signing:LocalKeyPath"] = KeyPath,
        ["Sweep:Schedule"] = "0 0 0 1 1 *",
    };

    private static WebApplication Build(Dictionary<string, string?> settings, HostedServiceProbe probe) =>
        SessionServer.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            // First in line: if any hosted service started before validation, this one would.
            builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(probe));
        });

    [Fact]
    public async Task A_missing_project_secret_stops_start_up_naming_the_environment_variable()
    {
        var settings = ValidSettings();
        settings.Remove("Sessions:ProjectSecret");
        var probe = new HostedServiceProbe();
        await using var app = Build(settings, probe);
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Sessions__ProjectSecret", e.Message);
        Assert.Contains(e.Failures, f => f.StartsWith("Sessions__ProjectSecret", StringComparison.Ordinal));
        // Validation ran before any hosted service: no table call, no signing key created, no listener.
        Assert.False(probe.Started);
        Assert.False(File.Exists(KeyPath));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("Storage:ConnectionString", "Storage__ConnectionString")]
    [InlineData("Sessions:ProjectId", "Sessions__ProjectId")]
    [InlineData("Sessions:UserInfoUrl", "Sessions__UserInfoUrl")]
    public async Task Any_missing_required_setting_stops_start_up_naming_it(string key, string environmentVariable)
    {
        var settings = ValidSettings();
        settings.Remove(key);
        var probe = new HostedServiceProbe();
        await using var app = Build(settings, probe);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(environmentVariable, e.Message);
        Assert.False(probe.Started);
    }

    [Fact]
    public async Task A_malformed_optional_setting_stops_start_up_naming_it()
    {
        var settings = ValidSettings();
        settings["Api:MaxRequestBodyBytes"] = "10";
        var probe = new HostedServiceProbe();
        await using var app = Build(settings, probe);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Api__MaxRequestBodyBytes", e.Message);
        Assert.False(probe.Started);
    }

    [Fact]
    public async Task Several_invalid_sections_are_all_named_at_once()
    {
        var settings = ValidSettings();
        settings.Remove("Sessions:ProjectSecret");
        settings.Remove("Storage:ConnectionString");
        var probe = new HostedServiceProbe();
        await using var app = Build(settings, probe);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        var failures = StartupErrors.Settings(e);
        Assert.Contains(failures, f => f.StartsWith("Sessions__ProjectSecret", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Storage__ConnectionString", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Several_invalid_sections_that_no_constructor_reads_are_all_named_at_once()
    {
        var settings = ValidSettings();
        settings["Api:MaxRequestBodyBytes"] = "10";
        settings["Sweep:Parallelism"] = "0";
        var probe = new HostedServiceProbe();
        await using var app = Build(settings, probe);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        var failures = StartupErrors.Settings(e);
        Assert.Contains(failures, f => f.StartsWith("Api__MaxRequestBodyBytes", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Sweep__Parallelism", StringComparison.Ordinal));
        Assert.False(probe.Started);
    }

    [Fact]
    public async Task A_policy_file_with_a_permission_on_an_unknown_resource_stops_start_up_naming_the_setting_and_the_role()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "policy.json");
        File.WriteAllText(path, """{"roles":[{"role_id":"editor","description":"","permissions":[{"resource_id":"documents","actions":["read"]}]}]}""");
        var settings = ValidSettings();
        settings["Rbac:PolicyPath"] = path;
        var probe = new HostedServiceProbe();
        await using var app = Build(settings, probe);

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(e.Failures, f => f.StartsWith("Rbac__PolicyPath", StringComparison.Ordinal) && f.Contains("role 'editor'") && f.Contains("'documents'"));
        Assert.False(probe.Started);
    }

    [Fact]
    public async Task An_invalid_setting_stops_start_up_before_the_signing_key_file_is_created()
    {
        var settings = ValidSettings();
        settings["Api:MaxRequestBodyBytes"] = "10";
        var probe = new HostedServiceProbe();
        await using var app = Build(settings, probe);

        await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.False(File.Exists(KeyPath));
    }

    [Fact]
    public void StartupErrors_reads_the_failures_of_one_or_several_sections()
    {
        var sessions = new OptionsValidationException("", typeof(object), ["Sessions__ProjectSecret is required."]);
        var api = new OptionsValidationException("", typeof(object), ["Api__MaxRequestBodyBytes must be between 1024 and 16777216."]);

        Assert.Equal(["Sessions__ProjectSecret is required."], StartupErrors.Settings(sessions));
        Assert.Equal(["Sessions__ProjectSecret is required.", "Api__MaxRequestBodyBytes must be between 1024 and 16777216."],
            StartupErrors.Settings(new AggregateException(sessions, api)));
        Assert.Empty(StartupErrors.Settings(new AggregateException(sessions, new InvalidOperationException())));
        Assert.Empty(StartupErrors.Settings(new InvalidOperationException("Signing__LocalKeyPath is unreadable")));
    }

    private sealed class HostedServiceProbe : IHostedService
    {
        public bool Started { get; private set; }
        public Task StartAsync(CancellationToken cancellationToken) { Started = true; return Task.CompletedTask; }
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
