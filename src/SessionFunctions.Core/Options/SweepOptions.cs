namespace SessionFunctions.Core.Options;

/// <summary>Settings under <c>Sweep</c>: when expired sessions are removed.</summary>
public sealed class SweepOptions
{
    public const string Section = "Sweep";

    /// <summary>Six-field NCRONTAB (seconds first), read by both the Functions timer and the Server's hosted timer.</summary>
    public string Schedule { get; set; } = "0 */5 * * * *";

    /// <summary>How many table requests the sweep of one unit (an expiry shard) keeps in flight at once.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>How many units (expiry shards) the Server sweeps at once (the Functions app takes one per queue message).</summary>
    public int Partitions { get; set; } = 2;
}
