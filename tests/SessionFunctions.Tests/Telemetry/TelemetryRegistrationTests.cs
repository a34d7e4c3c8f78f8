using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SessionFunctions.Api;

namespace SessionFunctions.Tests.Telemetry;

/// <summary>Telemetry is exported only when an exporter is configured; otherwise nothing of the SDK is registered.</summary>
public sealed class TelemetryRegistrationTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build();

    [Fact]
    public void Without_an_exporter_setting_no_tracer_or_meter_provider_is_registered()
    {
        var services = new ServiceCollection();
        Assert.Null(services.AddSessionTelemetry(Settings((SessionTelemetry.OtlpSetting, " "))));
        using var provider = services.BuildServiceProvider();
        Assert.Null(provider.GetService<TracerProvider>());
        Assert.Null(provider.GetService<MeterProvider>());
        Assert.False(SessionTelemetry.IsExporting(Settings()));
    }

    [Fact]
    public void An_otlp_endpoint_registers_traces_and_metrics()
    {
        var settings = Settings((SessionTelemetry.OtlpSetting, "http://127.0.0.1:9"));
        var services = new ServiceCollection().AddLogging();
        Assert.NotNull(services.AddSessionTelemetry(settings));
        Assert.True(SessionTelemetry.IsExporting(settings));
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }
}
