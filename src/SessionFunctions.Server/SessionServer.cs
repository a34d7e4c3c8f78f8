using SessionFunctions.Api;

namespace SessionFunctions.Server;

/// <summary>The standalone host: the whole API on Kestrel, plus the expiry sweep on its NCRONTAB schedule.</summary>
public static class SessionServer
{
    /// <param name="configure">Lets tests add configuration or services before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // appsettings.json sits beside the binary: load it whatever directory the server is started from.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            // Above Api__MaxRequestHeaderBytes the API answers a Stytch-shaped 431; Kestrel's own (bare) 431 starts here.
            k.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
        });
        builder.Services.AddSessionApi(builder.Configuration); // with OpenTelemetry when an exporter is configured
        builder.Logging.AddSessionLogFilters();
        builder.Services.AddHostedService<SweepTimer>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapSessionApi();
        return app;
    }
}
