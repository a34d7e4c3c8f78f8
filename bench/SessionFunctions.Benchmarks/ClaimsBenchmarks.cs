using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using SessionFunctions.Core.Claims;

namespace SessionFunctions.Benchmarks;

/// <summary>
/// CustomClaims as the request paths use it: migrate merges the request's claims into an empty set; authenticate
/// parses the stored claims, merges the request's, and serializes the result back for the row.
/// </summary>
[MemoryDiagnoser]
public class ClaimsBenchmarks
{
    private JsonObject _update = null!, _empty = null!;
    private string _stored = "";

    [GlobalSetup]
    public void Setup()
    {
        _update = Samples.TypicalClaims();
        _update["https://stytch.com/session"] = "ignored"; // a reserved name, dropped by Merge
        _update["removed"] = null;
        _empty = [];
        _stored = CustomClaims.Serialize(Samples.TypicalClaims());
    }

    [Benchmark(Description = "Merge([], null) (migrate/authenticate without claims)")]
    public JsonObject MergeNone() => CustomClaims.Merge(_empty, null);

    [Benchmark(Description = "Merge([], typical)")]
    public JsonObject MergeTypical() => CustomClaims.Merge(_empty, _update);

    [Benchmark(Description = "Parse+Merge(typical)+Serialize (authenticate with claims)")]
    public string ParseMergeSerialize() => CustomClaims.Serialize(CustomClaims.Merge(CustomClaims.Parse(_stored), _update));

    [Benchmark(Description = "Parse+Merge(null)+Serialize (authenticate without claims)")]
    public string ParseMergeNoneSerialize() => CustomClaims.Serialize(CustomClaims.Merge(CustomClaims.Parse(_stored), null));
}
