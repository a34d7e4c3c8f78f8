using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Features;

namespace SessionFunctions.Functions;

/// <summary>
/// Runs the expiry sweep on the app setting <c>Sweep__Schedule</c> (six-field NCRONTAB). The host resolves %...% from
/// its configuration, where <c>__</c> in a setting name becomes <c>:</c>, so the expression names it <c>Sweep:Schedule</c>.
/// A failed run is logged and never escapes: the next occurrence simply runs again.
/// </summary>
public sealed class SweepFunction(SweepExpiredSessions sweep, ILogger<SweepFunction> log)
{
    [Function("SweepExpiredSessions")]
    public async Task Run([TimerTrigger("%Sweep:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        try
        {
            var report = await sweep.RunAsync(cancellationToken);
            log.LogInformation("Expiry sweep done: {Report} (past due: {PastDue}; next run: {Next:o}).",
                report, timer.IsPastDue, timer.ScheduleStatus?.Next);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("The expiry sweep was cancelled (the host is stopping); it runs again at the next scheduled time.");
        }
        catch (Exception e)
        {
            log.LogError(e, "The expiry sweep failed; it runs again at the next scheduled time.");
        }
    }
}
