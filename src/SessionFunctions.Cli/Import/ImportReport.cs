using System.Diagnostics;
using Spectre.Console;

namespace SessionFunctions.Cli.Import;

/// <summary>
/// What an import did, row by row: created, already there, or bad (reported at once with its line number and reason).
/// Shows progress while it runs: a progress bar with rows per second and time left on a terminal, a plain line every few
/// seconds otherwise. Never prints a member's email, only line numbers.
/// </summary>
public sealed class ImportReport(TextWriter output, TextWriter errors, bool dryRun)
{
    private long _read, _created, _already, _bad;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _errorsLock = new();

    public long Read => Interlocked.Read(ref _read);
    public long Created => Interlocked.Read(ref _created);
    public long AlreadyThere => Interlocked.Read(ref _already);
    public long Bad => Interlocked.Read(ref _bad);

    /// <summary>How often a plain progress line is printed when the output is not a terminal.</summary>
    public TimeSpan PlainInterval { get; init; } = TimeSpan.FromSeconds(5);

    public void RowRead() => Interlocked.Increment(ref _read);
    public void RowCreated() => Interlocked.Increment(ref _created);
    public void RowAlreadyThere() => Interlocked.Increment(ref _already);

    public void RowBad(long line, string reason)
    {
        Interlocked.Increment(ref _bad);
        lock (_errorsLock) errors.WriteLine($"line {line}: {reason}");
    }

    /// <summary>0 only when every row is in (created now or already there).</summary>
    public int ExitCode => Bad == 0 ? 0 : 1;

    public void Summary(string what) =>
        output.WriteLine($"{what}: {Read} rows in {_clock.Elapsed.TotalSeconds:0.0} s ({Rate():0} rows/s): " +
            $"{(dryRun ? "would create" : "created")} {Created}, already there {AlreadyThere}, bad {Bad}.");

    private double Rate() => Read / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);

    private string Line(double fraction)
    {
        var left = fraction > 0.001 ? TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds * (1 - fraction) / fraction) : (TimeSpan?)null;
        return $"{Read} rows, {Rate():0} rows/s, created {Created}, already there {AlreadyThere}, bad {Bad}, {fraction * 100:0}% of the file" +
            (left is { } l ? $", about {l:hh\\:mm\\:ss} left" : "");
    }

    /// <summary>Runs <paramref name="work"/> while showing its progress (<paramref name="fraction"/>: how much of the file is read).</summary>
    public async Task<T> WithProgressAsync<T>(string title, Func<double> fraction, Func<Task<T>> work, bool terminal)
    {
        if (terminal)
        {
            return await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(title, maxValue: 1000);
                    var running = work();
                    while (await Task.WhenAny(running, Task.Delay(200)) != running)
                    {
                        task.Value = fraction() * 1000;
                        task.Description = $"{title}: {Read} rows, {Rate():0}/s, bad {Bad}";
                    }
                    task.Value = 1000;
                    task.Description = $"{title}: {Read} rows, {Rate():0}/s, bad {Bad}";
                    return await running;
                });
        }
        var job = work();
        while (await Task.WhenAny(job, Task.Delay(PlainInterval)) != job)
            output.WriteLine($"{title}: {Line(fraction())}");
        return await job;
    }
}
