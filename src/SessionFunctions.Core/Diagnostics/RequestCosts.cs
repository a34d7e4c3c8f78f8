namespace SessionFunctions.Core.Diagnostics;

/// <summary>
/// What one request spent on remote calls: table round trips, UserInfo calls and signatures. The API starts a scope
/// per request; the Azure.Core pipeline policy, the UserInfo client and the signer add to whichever scope is current.
/// These counts are how the performance budgets in DESIGN.md are tested: they hold on any machine. The scope also
/// carries what the request's telemetry needs: when it started and which organization it resolved.
/// </summary>
public sealed class RequestCosts
{
    private static readonly AsyncLocal<RequestCosts?> CurrentScope = new();
    private int _tableRoundTrips, _userInfoCalls, _signatures, _entitiesScanned, _keyFetches;

    /// <summary>When the request started (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</summary>
    public long StartTimestamp { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>The organization the request resolved, if it got that far (a metric attribute; an id, not a secret).</summary>
    public string? OrganizationId { get; private set; }

    public int TableRoundTrips => Volatile.Read(ref _tableRoundTrips);
    public int UserInfoCalls => Volatile.Read(ref _userInfoCalls);
    public int Signatures => Volatile.Read(ref _signatures);
    /// <summary>Entities the request's range reads returned (each counts against its partition's throughput); point reads not included.</summary>
    public int EntitiesScanned => Volatile.Read(ref _entitiesScanned);

    /// <summary>Fetches of a legacy provider's public keys (JWKS or discovery document) this request waited on or caused.</summary>
    public int KeyFetches => Volatile.Read(ref _keyFetches);

    /// <summary>The scope of the request running on this async flow, if any.</summary>
    public static RequestCosts? Current => CurrentScope.Value;

    /// <summary>Starts counting for the calling async flow and everything it awaits.</summary>
    public static RequestCosts Begin() => CurrentScope.Value = new RequestCosts();

    internal static void AddTableRoundTrip() { if (Current is { } c) Interlocked.Increment(ref c._tableRoundTrips); }
    internal static void AddUserInfoCall() { if (Current is { } c) Interlocked.Increment(ref c._userInfoCalls); }
    internal static void AddSignature() { if (Current is { } c) Interlocked.Increment(ref c._signatures); }
    internal static void AddEntitiesScanned(int count) { if (Current is { } c) Interlocked.Add(ref c._entitiesScanned, count); }
    internal static void AddKeyFetch() { if (Current is { } c) Interlocked.Increment(ref c._keyFetches); }
    internal static void SetOrganization(string organizationId) { if (Current is { } c) c.OrganizationId = organizationId; }

    /// <summary>
    /// <c>tables=3;userinfo=1;signatures=1;keys=0</c>: the value of the <c>X-Request-Cost</c> header (<c>keys</c>: fetches
    /// of a legacy provider's keys), with <c>;entities=N</c> when the request's range reads returned any entities.
    /// </summary>
    public override string ToString() =>
        $"tables={TableRoundTrips};userinfo={UserInfoCalls};signatures={Signatures};keys={KeyFetches}" + (EntitiesScanned > 0 ? $";entities={EntitiesScanned}" : "");
}
