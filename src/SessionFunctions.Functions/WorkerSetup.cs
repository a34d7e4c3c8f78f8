using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionFunctions.Api;

namespace SessionFunctions.Functions;

public static class WorkerSetup
{
    /// <summary>The host's cap on a request body (104,857,600 bytes unless set; infra and the example settings set 1 MiB).</summary>
    public const string HostBodyLimit = "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT";

    /// <summary>
    /// Everything the functions need (Program.cs, and the tests that resolve them without a host): the API; the Server's
    /// log filters, plus our own lines at Warning, so a successful call writes none (in the worker each line travels to
    /// the host over gRPC and is billed in Application Insights); and, when exporting, the Functions OpenTelemetry
    /// integration, which joins the worker's spans to the host's.
    /// </summary>
    public static FunctionsApplicationBuilder AddSessionWorker(this FunctionsApplicationBuilder builder)
    {
        builder.Services.AddSessionApi(builder.Configuration);
        // Between the two limits a body would get the host's empty 500 rather than the API's 413 envelope.
        var configuration = builder.Configuration;
        builder.Services.AddOptions<ApiOptions>().Validate(
            o => !long.TryParse(configuration[HostBodyLimit], out var limit) || limit >= o.MaxRequestBodyBytes,
            $"{HostBodyLimit} must be at least Api__MaxRequestBodyBytes, or bodies between the two get the host's empty 500.");
        builder.Logging.AddSessionLogFilters().AddFilter("SessionFunctions", LogLevel.Warning);
        if (SessionTelemetry.IsExporting(builder.Configuration))
            builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        return builder;
    }
}
