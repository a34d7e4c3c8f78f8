using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SessionFunctions.Core.Diagnostics;

/// <summary>
/// The service's own spans and metrics. The metric names are the migration dashboard's contract (infra/modules/
/// monitoring.bicep queries them): rename one and the workbook and alerts go blank. Attributes carry outcomes, statuses
/// and organization ids, never tokens, secrets or emails. Recording costs next to nothing when nothing listens.
/// </summary>
public static class Telemetry
{
    public const string Name = "SessionFunctions";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Migrate calls; <c>outcome</c> = <c>migrated</c> or the Stytch <c>error_type</c>; <c>organization_id</c> when known.</summary>
    public static readonly Counter<long> MigrateRequests = Meter.CreateCounter<long>("sessions.migrate.requests", "{request}", "Migrate calls by outcome and organization.");

    public static readonly Histogram<double> MigrateDuration = Meter.CreateHistogram<double>("sessions.migrate.duration", "s", "Time to answer a migrate call.");

    /// <summary>Calls to the legacy UserInfo endpoint; <c>status</c> = the HTTP status, <c>timeout</c> or <c>error</c>.</summary>
    public static readonly Histogram<double> UserInfoDuration = Meter.CreateHistogram<double>("sessions.userinfo.duration", "s", "UserInfo calls by status.");

    /// <summary>
    /// Calls to a legacy provider's UserInfo endpoint, and those its budget refused; <c>provider</c>, <c>outcome</c> =
    /// <c>sent</c>, <c>over_budget</c> (past <c>MaxCallsPerSecond</c>: 429) or <c>provider_throttled</c> (the provider
    /// answered 429 and its Retry-After has not passed: 503).
    /// </summary>
    public static readonly Counter<long> UserInfoCalls = Meter.CreateCounter<long>("sessions.userinfo.calls", "{call}", "UserInfo calls sent or refused by the provider's budget.");

    /// <summary>JWT signatures; <c>signer</c> = the key store's name (local, keyvault, ...), <c>throttled</c> = the signer was told to slow down.</summary>
    public static readonly Histogram<double> SigningDuration = Meter.CreateHistogram<double>("sessions.signing.duration", "s", "JWT signatures by signer.");

    /// <summary>Authenticate calls; <c>outcome</c> = <c>authenticated</c> or the Stytch <c>error_type</c>.</summary>
    public static readonly Counter<long> AuthenticateRequests = Meter.CreateCounter<long>("sessions.authenticate.requests", "{request}", "Authenticate calls by outcome.");

    public static readonly Counter<long> SweepDeleted = Meter.CreateCounter<long>("sessions.sweep.deleted", "{session}", "Expired sessions the sweep deleted.");

    /// <summary>Seconds since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static double SecondsSince(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
}
