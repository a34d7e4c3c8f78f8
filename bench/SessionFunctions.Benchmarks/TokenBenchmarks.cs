using BenchmarkDotNet.Attributes;
using SessionFunctions.Core.Identity;

namespace SessionFunctions.Benchmarks;

/// <summary>The opaque session token: creation (64 bytes, 32 from the OS CSPRNG), the SHA-256 that is stored, and parsing.</summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private readonly Guid _organization = Samples.OrganizationKey, _session = Guid.NewGuid();
    private string _token = "";
    private byte[] _hash = [];

    [GlobalSetup]
    public void Setup()
    {
        _token = SessionToken.Create(_organization, _organization, _session);
        _hash = SessionToken.Hash(_token);
    }

    [Benchmark] public string Create() => SessionToken.Create(_organization, _organization, _session);

    [Benchmark] public byte[] Hash() => SessionToken.Hash(_token);

    [Benchmark] public bool TryParse() => SessionToken.TryParse(_token, out _);

    /// <summary>What authenticate by token does with it: parse the selector, then compare hashes in constant time.</summary>
    [Benchmark] public bool ParseAndMatch() => SessionToken.TryParse(_token, out _) && SessionToken.Matches(_token, _hash);

    /// <summary>What migrate does with it: create, then hash for storage (plus the parse authenticate will do later).</summary>
    [Benchmark] public bool CreateHashParse()
    {
        var token = SessionToken.Create(_organization, _organization, _session);
        var hash = SessionToken.Hash(token);
        return SessionToken.TryParse(token, out _) && hash.Length == 32;
    }
}
