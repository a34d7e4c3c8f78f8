using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionFunctions.Api;

namespace SessionFunctions.Functions;

public static class WorkerSetup
{
    /// <summary>
    /// Everything the functions need (Program.cs, and the tests that resolve them without a host): the API; the Server's
    /// log filters, plus our own lines at Warning, so a successful call writes none (in the worker each line travels to
    /// the host over gRPC and is billed in Application Insights); and, when exporting, the Functions OpenTelemetry
    /// integration, which joins the worker's spans to the host's.
    /// </summary>
    public static FunctionsApplicationBuilder AddSessionWorker(this FunctionsApplicationBuilder builder)
    {
        builder.Services.AddSessionApi(builder.Configuration);
        builder.Logging.AddSessionLogFilters().AddFilter("SessionFunctions", LogLevel.Warning);
        if (SessionTelemetry.IsExporting(builder.Configuration))
            builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        return builder;
    }
}
