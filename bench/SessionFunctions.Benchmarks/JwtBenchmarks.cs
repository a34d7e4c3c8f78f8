using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Benchmarks;

/// <summary>
/// Minting (SessionJwtIssuer over LocalPemKeyStore + SigningKeyRing) and validating (SessionJwtReader) the session JWT,
/// next to the bare RSA-2048 operations they cannot avoid, so the overhead above the cryptography is visible.
/// </summary>
[MemoryDiagnoser]
public class JwtBenchmarks
{
    private Samples.Signing _signing = null!;
    private MemberSession _plain = null!, _withClaims = null!;
    private string _jwt = "", _jwtWithClaims = "";
    private RSA _rsa = null!;
    private readonly byte[] _digest = SHA256.HashData("a signing input of about the size of a session JWT"u8);
    private byte[] _signature = [];

    [GlobalSetup]
    public void Setup()
    {
        _signing = new Samples.Signing();
        var member = Samples.Member();
        var organization = Samples.Organization();
        _plain = Samples.Session(member, organization, []);
        _withClaims = Samples.Session(member, organization, Samples.TypicalClaims());
        _jwt = _signing.Issuer.IssueAsync(_plain, Samples.Now, CancellationToken.None).GetAwaiter().GetResult();
        _jwtWithClaims = _signing.Issuer.IssueAsync(_withClaims, Samples.Now, CancellationToken.None).GetAwaiter().GetResult();
        _rsa = RSA.Create(2048);
        _signature = _rsa.SignHash(_digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _signing.Dispose();
        _rsa.Dispose();
    }

    [Benchmark(Description = "Issue (no custom claims)")]
    public Task<string> Issue() => _signing.Issuer.IssueAsync(_plain, Samples.Now, CancellationToken.None);

    [Benchmark(Description = "Issue (typical custom claims)")]
    public Task<string> IssueWithClaims() => _signing.Issuer.IssueAsync(_withClaims, Samples.Now, CancellationToken.None);

    [Benchmark(Description = "Read/validate (no custom claims)")]
    public Task<SessionFunctions.Core.Signing.SessionJwtClaims> Read() => _signing.Reader.ReadAsync(_jwt, CancellationToken.None);

    [Benchmark(Description = "Read/validate (typical custom claims)")]
    public Task<SessionFunctions.Core.Signing.SessionJwtClaims> ReadWithClaims() => _signing.Reader.ReadAsync(_jwtWithClaims, CancellationToken.None);

    [Benchmark(Description = "floor: RSA-2048 SignHash")]
    public byte[] RsaSign() => _rsa.SignHash(_digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    [Benchmark(Description = "floor: RSA-2048 VerifyHash")]
    public bool RsaVerify() => _rsa.VerifyHash(_digest, _signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
}
