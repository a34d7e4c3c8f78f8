using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionFunctions.Api.Http;

/// <summary>
/// Keeps query strings and identifiers out of the host's request log lines, whatever the log levels. ASP.NET Core's
/// hosting writes each request's URL, query string included ("Request starting … /member?email_address=…"), before any
/// of our code runs: a member lookup carries an email address in its query, and paths carry slugs and external ids
/// (which may be emails). The logger factory is wrapped so that in those lines the <c>QueryString</c> reads
/// <c>?(redacted)</c> and every path segment that is not a literal word of a route template reads <c>{…}</c>
/// (<c>/v1/b2b/organizations/{…}/member</c>). The same goes for ASP.NET Core's other categories, whose Debug lines
/// (routing, for one) quote the path too; lines of other categories pass through untouched.
/// </summary>
public static class RequestLogRedaction
{
    public const string Redacted = "?(redacted)";
    public const string RedactedSegment = "{…}";

    /// <summary>The literal segments of the route templates (v1, b2b, organizations, member, …): the only ones a logged path keeps.</summary>
    private static readonly HashSet<string> RouteWords = SessionApiRoutes.All
        .SelectMany(r => r.Template.Split('/')).Where(s => !s.StartsWith('{')).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>/v1/b2b/organizations/acme/members/ada@acme.example</c> → <c>/v1/b2b/organizations/{…}/members/{…}</c>.</summary>
    internal static string RedactPath(string path) =>
        string.Join('/', path.Split('/').Select(s => s.Length == 0 || RouteWords.Contains(s) ? s : RedactedSegment));
    private const string AspNetCore = "Microsoft.AspNetCore";

    public static IServiceCollection RedactQueryStringsInRequestLogs(this IServiceCollection services)
    {
        services.AddLogging();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(), sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(), sp.GetService<IExternalScopeProvider>()))));
        return services;
    }

    private sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName)
        {
            var logger = inner.CreateLogger(categoryName);
            return categoryName.StartsWith(AspNetCore, StringComparison.Ordinal) ? new RedactingLogger(logger) : logger;
        }

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is not IEnumerable<KeyValuePair<string, object?>> values)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            var list = values.ToList();
            var query = list.FirstOrDefault(v => v.Key == "QueryString").Value as string;
            var path = list.FirstOrDefault(v => v.Key == "Path").Value as string;
            var redactedPath = string.IsNullOrEmpty(path) ? path : RedactPath(path);
            if (string.IsNullOrEmpty(query) && redactedPath == path)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            var message = formatter(state, exception);
            if (!string.IsNullOrEmpty(query)) message = message.Replace(query, Redacted, StringComparison.Ordinal);
            if (redactedPath != path) message = message.Replace(path!, redactedPath, StringComparison.Ordinal);
            var redacted = list.Select(v => v.Key switch
            {
                "QueryString" when !string.IsNullOrEmpty(query) => new KeyValuePair<string, object?>(v.Key, Redacted),
                "Path" => new KeyValuePair<string, object?>(v.Key, redactedPath),
                _ => v,
            }).ToList();
            inner.Log(logLevel, eventId, redacted, exception, (_, _) => message);
        }
    }
}
