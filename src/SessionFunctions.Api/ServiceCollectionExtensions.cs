using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionFunctions.Api.Http;
using SessionFunctions.Core;

namespace SessionFunctions.Api;

public static class ServiceCollectionExtensions
{
    /// <summary>The API and everything under it, configured from <paramref name="configuration"/> and validated at start-up.</summary>
    public static IServiceCollection AddSessionApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSessionCore(configuration);
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddSingleton<BasicAuth>();
        services.AddSingleton<ApiRateLimiter>();
        services.RedactQueryStringsInRequestLogs(); // member lookups carry an email in the query string
        services.AddSessionTelemetry(configuration);
        return services;
    }
}
