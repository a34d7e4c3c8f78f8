using System.Diagnostics;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Api;

/// <summary>
/// OpenTelemetry for both hosts: a span per request named by its route template, child spans for the UserInfo call
/// (HttpClient), Table Storage and Key Vault (Azure.Core's "Azure.*" sources), and the service's metrics
/// (<see cref="Telemetry"/>). Exported to Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>
/// is set and over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; with neither, nothing is registered at all.
/// Spans carry no path, query string or header: route templates only, so no token, secret or email reaches them.
/// </summary>
public static class SessionTelemetry
{
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Whether any exporter is configured.</summary>
    public static bool IsExporting(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]) || !string.IsNullOrWhiteSpace(configuration[OtlpSetting]);

    /// <summary>
    /// Registers the OpenTelemetry SDK when an exporter is configured, or when <paramref name="export"/> adds one of its
    /// own (tests add an in-memory exporter). Returns the builder, or null when nothing was registered.
    /// </summary>
    public static OpenTelemetryBuilder? AddSessionTelemetry(this IServiceCollection services, IConfiguration configuration,
        Action<OpenTelemetryBuilder>? export = null)
    {
        // The metric is recorded whether or not anything exports it (a Meter nobody listens to costs next to nothing).
        if (!services.Any(d => d.ServiceType == typeof(UserInfoTimingHandler)))
            services.AddTransient<UserInfoTimingHandler>().AddHttpClient(nameof(UserInfoClient)).AddHttpMessageHandler<UserInfoTimingHandler>();

        var azureMonitor = configuration[AzureMonitorSetting];
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpSetting]);
        if (string.IsNullOrWhiteSpace(azureMonitor) && !otlp && export is null) return null;
        // Application Insights with local auth off (infra/) takes only Entra-authenticated telemetry: the app's identity.
        var credential = configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true
            ? new DefaultAzureCredential()
            : null;

        // Azure.Core (Tables, our Key Vault pipeline) emits spans only when asked to.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var builder = services.AddOpenTelemetry();
        builder
            .ConfigureResource(r => r.AddService(Telemetry.Name))
            .WithTracing(t =>
            {
                t.AddSource(Telemetry.Name, "Azure.*")
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        o.RecordException = false; // exception messages may quote input
                        o.EnrichWithHttpRequest = (activity, _) => Scrub(activity);
                        o.EnrichWithHttpResponse = (activity, _) => Scrub(activity);
                    })
                    // Calls the Azure SDK makes already have Azure.Core's span; time the others (UserInfo) here.
                    .AddHttpClientInstrumentation(o =>
                    {
                        o.FilterHttpRequestMessage = _ => !FromAzureSdk(Activity.Current) && !FromAzureSdk(Activity.Current?.Parent);
                        o.EnrichWithHttpRequestMessage = (activity, _) => activity.SetTag("url.full", null).SetTag("url.query", null);
                    });
                if (!string.IsNullOrWhiteSpace(azureMonitor)) t.AddAzureMonitorTraceExporter(o => o.ConnectionString = azureMonitor, credential);
                if (otlp) t.AddOtlpExporter();
            })
            .WithMetrics(m =>
            {
                m.AddMeter(Telemetry.Name);
                if (!string.IsNullOrWhiteSpace(azureMonitor)) m.AddAzureMonitorMetricExporter(o => o.ConnectionString = azureMonitor, credential);
                if (otlp) m.AddOtlpExporter();
            });
        export?.Invoke(builder);
        return builder;
    }

    private static bool FromAzureSdk(Activity? activity) => activity?.Source.Name.StartsWith("Azure.", StringComparison.Ordinal) == true;

    /// <summary>The request's path, query and user agent may hold ids, emails or tokens; the span keeps the route template only.</summary>
    private static void Scrub(Activity activity)
    {
        activity.SetTag("url.path", null).SetTag("url.query", null).SetTag("url.full", null).SetTag("user_agent.original", null);
        // A catch-all's template (the Server's fallback, the Functions catch-alls' regex) names no route: leave it out.
        if (activity.GetTagItem("http.route") is string route && route.StartsWith("{*", StringComparison.Ordinal)) activity.SetTag("http.route", null);
        if (activity.GetTagItem("http.route") is null) activity.DisplayName = activity.GetTagItem("http.request.method") as string ?? "HTTP";
    }
}
