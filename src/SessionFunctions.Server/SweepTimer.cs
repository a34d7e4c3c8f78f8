using Microsoft.Extensions.Options;
using NCrontab;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Server;

/// <summary>
/// Runs the sweep on <c>Sweep__Schedule</c> (six-field NCRONTAB, the same setting the Functions timer reads).
/// A failed run is logged and the timer carries on; nothing escapes it. The sweep is resolved when the timer starts,
/// after the host has validated the options (see StartupTasks).
/// </summary>
internal sealed class SweepTimer(IServiceProvider services, IOptions<SweepOptions> options, TimeProvider time, ILogger<SweepTimer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweep = services.GetRequiredService<SweepExpiredSessions>();
        var schedule = CrontabSchedule.Parse(options.Value.Schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
                await sweep.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "The expiry sweep failed; it runs again at the next scheduled time.");
            }
        }
    }
}
