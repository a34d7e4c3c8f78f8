using Microsoft.Extensions.Logging;

namespace SessionFunctions.Api;

/// <summary>
/// The log filters of both hosts. Framework chatter stays at Warning: ASP.NET Core's per-request lines, HttpClient's
/// four lines per UserInfo call and Azure SDK request logs. In the Functions worker every line also travels to the host
/// over gRPC and on to Application Insights, where it is billed.
/// </summary>
public static class SessionLogFilters
{
    public static ILoggingBuilder AddSessionLogFilters(this ILoggingBuilder logging) => logging
        .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
        .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning)
        .AddFilter("Azure", LogLevel.Warning);
}
