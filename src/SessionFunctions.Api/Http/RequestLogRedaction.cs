using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionFunctions.Api.Http;

/// <summary>
/// Keeps query strings out of the host's request log lines, whatever the log levels. ASP.NET Core's hosting writes each
/// request's URL, query string included ("Request starting … /member?email_address=…"), before any of our code runs, and
/// a member lookup carries an email address there. The logger factory is wrapped so that those lines (and their
/// <c>QueryString</c> value) read <c>?(redacted)</c> instead; every other line passes through untouched.
/// </summary>
public static class RequestLogRedaction
{
    public const string Redacted = "?(redacted)";
    private const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

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
            return categoryName == HostingCategory ? new RedactingLogger(logger) : logger;
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
            var query = state is IEnumerable<KeyValuePair<string, object?>> values
                ? values.FirstOrDefault(v => v.Key == "QueryString").Value as string
                : null;
            if (string.IsNullOrEmpty(query))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            var message = formatter(state, exception).Replace(query, Redacted, StringComparison.Ordinal);
            var redacted = ((IEnumerable<KeyValuePair<string, object?>>)state!)
                .Select(v => v.Key == "QueryString" ? new KeyValuePair<string, object?>(v.Key, Redacted) : v).ToList();
            inner.Log(logLevel, eventId, redacted, exception, (_, _) => message);
        }
    }
}
