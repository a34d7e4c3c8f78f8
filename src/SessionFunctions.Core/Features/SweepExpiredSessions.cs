using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Features;

/// <summary>What one sweep (or the sweep of one unit) did.</summary>
public sealed record SweepReport(int Due, int Deleted, int Extended, int AlreadyGone)
{
    public static readonly SweepReport Empty = new(0, 0, 0, 0);

    public static SweepReport Sum(IEnumerable<SweepReport> reports) => reports.Aggregate(Empty,
        (a, b) => new SweepReport(a.Due + b.Due, a.Deleted + b.Deleted, a.Extended + b.Extended, a.AlreadyGone + b.AlreadyGone));

    public override string ToString() => $"due={Due} deleted={Deleted} extended={Extended} already_gone={AlreadyGone}";
}

/// <summary>
/// The whole sweep in one process (the Server's timer, and the tests): the <see cref="SweepPlanner"/> lists the due
/// <see cref="SweepUnit"/>s (expiry shards) and <see cref="SweepExpiryPartition"/> sweeps them, <c>Sweep__Partitions</c>
/// at a time. The Functions app does the same work spread over instances: its timer only plans, one queue message per unit.
/// Removes expired sessions, and Idempotency-Key records past their 24 hours (indexed the same way).
/// </summary>
public sealed class SweepExpiredSessions(SweepPlanner planner, SweepExpiryPartition partitionSweep, IOptions<SweepOptions> options, ILogger<SweepExpiredSessions> log)
{
    public async Task<SweepReport> RunAsync(CancellationToken ct)
    {
        var units = await planner.PlanAsync(ct);
        var reports = new SweepReport[units.Count];
        await Parallel.ForAsync(0, units.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Partitions, CancellationToken = ct },
            async (i, token) => reports[i] = await partitionSweep.RunAsync(units[i], token));
        var report = SweepReport.Sum(reports);
        Telemetry.SweepDeleted.Add(report.Deleted);
        log.LogInformation("Sweep finished: {Report} in {Units} units.", report, units.Count);
        return report;
    }
}
