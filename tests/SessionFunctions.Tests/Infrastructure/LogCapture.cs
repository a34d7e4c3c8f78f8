using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>Keeps every log line a server writes (message, state and exception text), for tests that read logs.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Drops the lines after the first <paramref name="keep"/> (used once, by the test that plants a leak on purpose).</summary>
    public void Forget(int keep)
    {
        var kept = _lines.Take(keep).ToList();
        _lines.Clear();
        foreach (var line in kept) _lines.Enqueue(line);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var stateText = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : state?.ToString();
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {stateText} | {exception}");
        }
    }
}
