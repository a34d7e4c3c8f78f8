using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Features;

namespace SessionFunctions.Functions;

/// <summary>
/// The expiry sweep, spread over as many instances as the runtime gives. The timer (app setting <c>Sweep__Schedule</c>,
/// six-field NCRONTAB; the host resolves %...% from its configuration, where <c>__</c> becomes <c>:</c>) only plans: it
/// lists the due sweep units (each expiry shard with due rows, all its due minutes together) and returns one queue
/// message each, which the host writes to the <see cref="Queue"/> queue of the host's storage account
/// (<c>AzureWebJobsStorage</c>). Each message triggers <see cref="SweepPartition"/>, which sweeps that one unit.
/// </summary>
public sealed class SweepFunction(SweepPlanner planner, SweepExpiryPartition partitionSweep, ILogger<SweepFunction> log)
{
    /// <summary>The queue of planned units (one message each: <see cref="SweepUnit"/>'s text, e.g. <c>a&lt;202612061031</c>).</summary>
    public const string Queue = "session-sweep";

    /// <summary>A failed plan is logged and never escapes: the next occurrence plans again, and finds what this one missed.</summary>
    [Function("SweepExpiredSessions")]
    [QueueOutput(Queue)]
    public async Task<string[]> Plan([TimerTrigger("%Sweep:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        try
        {
            var units = await planner.PlanAsync(cancellationToken);
            log.LogInformation("Expiry sweep planned: {Units} units queued (past due: {PastDue}; next run: {Next:o}).",
                units.Count, timer.IsPastDue, timer.ScheduleStatus?.Next);
            return [.. units];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("The expiry sweep plan was cancelled (the host is stopping); it runs again at the next scheduled time.");
            return [];
        }
        catch (Exception e)
        {
            log.LogError(e, "The expiry sweep plan failed; it runs again at the next scheduled time.");
            return [];
        }
    }

    /// <summary>
    /// Sweeps one planned unit. A failure escapes on purpose: the host makes the message visible again and retries
    /// it (host.json <c>extensions.queues</c>), then moves it to <c>session-sweep-poison</c>; the next plan lists the
    /// shard again while it still has due rows. A malformed or not yet due message is logged and dropped.
    /// </summary>
    [Function("SweepExpiryPartition")]
    public async Task SweepPartition([QueueTrigger(Queue)] string unit, CancellationToken cancellationToken)
    {
        var report = await partitionSweep.RunAsync(unit, cancellationToken);
        log.LogInformation("Sweep unit {Unit} swept: {Report}.", unit, report);
    }
}
