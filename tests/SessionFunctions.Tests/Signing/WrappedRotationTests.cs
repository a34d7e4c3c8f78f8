using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;
using SessionFunctions.Tests.Infrastructure;
using SessionFunctions.Tests.KeyVault;

namespace SessionFunctions.Tests.Signing;

/// <summary>Two instances sharing one storage account rotate Wrapped keys without talking to each other.</summary>
public sealed class WrappedRotationTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1), Lead = TimeSpan.FromMinutes(10);

    private static readonly Dictionary<string, string> Rotation = new()
    {
        ["Signing:RotationInterval"] = Interval.ToString(),
        ["Signing:RotationLead"] = Lead.ToString(),
        ["Signing:KeyRefreshInterval"] = "00:00:01",
        ["Signing:RotationOverlapDays"] = "1",
    };

    private static WrappedServerFixture Server(WrappedServerFixture? shared) => new(shared, fakeClock: true, settings: Rotation);

    [Fact]
    public async Task Both_instances_publish_the_next_key_for_the_lead_then_both_sign_with_it_and_verify_each_others_jwts() =>
        await WrappedServerFixture.RunAsync(async servers =>
        {
            var (a, b) = (servers[0], servers[1]);
            var organizationId = await a.NewOrganizationAsync();
            var now = new[] { a.Clock!.GetUtcNow(), b.Clock!.GetUtcNow() }.Max();
            var next = WrappedKeySchedule.PeriodStart(now, Interval) + Interval;
            if (now >= next - Lead) next += Interval; // already within the lead of the coming period: watch the one after

            // The lead begins: both refresh at once; one of them makes the next key, both publish it, neither signs with it.
            await MoveClocksAsync(servers, next - Lead + TimeSpan.FromMinutes(1));
            var leadJwts = new[] { await MintAsync(a, organizationId), await MintAsync(b, organizationId) };
            var oldKid = Kid(leadJwts[0]);
            var newKid = Assert.Single(await a.SigningKeyRowsAsync(), r => r.RowKey == WrappedKeySchedule.RowKey(next)).GetString("KeyId");
            Assert.Equal(await a.JwksAsync(), await b.JwksAsync());
            Assert.Contains(newKid, (await b.JwksAsync()).Keys);
            Assert.All(leadJwts, jwt => Assert.Equal(oldKid, Kid(jwt)));
            Assert.NotEqual(newKid, oldKid);

            await MoveClocksAsync(servers, next - TimeSpan.FromMinutes(1));
            var beforeRotation = await MintAsync(a, organizationId);
            Assert.Equal(oldKid, Kid(beforeRotation)); // published for a full lead before any instance signs with it

            // The new key signs from one full lead after it was made (a minute into the lead: next + 1 min). Both sign
            // with it, both still publish the old one, and each verifies the other's JWTs.
            await MoveClocksAsync(servers, next + TimeSpan.FromMinutes(2));
            var fromA = await MintAsync(a, organizationId);
            var fromB = await MintAsync(b, organizationId);

            Assert.Equal((newKid, newKid), (Kid(fromA), Kid(fromB)));
            Assert.Equal(await a.JwksAsync(), await b.JwksAsync());
            Assert.Contains(oldKid, (await b.JwksAsync()).Keys);
            Assert.Equal(newKid, Kid(await AuthenticateAsync(b, fromA)));
            Assert.Equal(newKid, Kid(await AuthenticateAsync(a, fromB)));
            Assert.Equal(newKid, Kid(await AuthenticateAsync(b, beforeRotation))); // signed by the old key, verified after the rotation
        }, Server, Server);

    [Fact]
    public async Task Two_instances_making_the_same_periods_key_at_once_end_up_with_one_key()
    {
        var storage = Options.Create(new StorageOptions { ConnectionString = TestStorage.ConnectionString, TablePrefix = TestStorage.NewTablePrefix() });
        var tables = new SessionTables(storage, new FakeTokenCredential(), []);
        await tables.CreateIfNotExistsAsync(CancellationToken.None);
        using var directory = new Unit.TempDirectory();
        using var pem = new LocalPemKeyWrapper(Path.Combine(directory.Path, "wrapping.pem"));
        var wrapper = new BothWrapAtOnce(pem);
        var signing = Options.Create(new SigningOptions { Mode = "Wrapped", RotationInterval = Interval, RotationLead = Lead, RotationOverlapDays = 1 });
        var clock = new FakeTimeProvider(WrappedKeySchedule.PeriodStart(DateTimeOffset.UtcNow, Interval) + TimeSpan.FromMinutes(5)); // one key due
        var ids = new IdFormat("project-test-" + Guid.NewGuid());
        try
        {
            using var first = new WrappedKeyStore(tables, wrapper, signing, ids, clock, NullLogger<WrappedKeyStore>.Instance);
            using var second = new WrappedKeyStore(tables, wrapper, signing, ids, clock, NullLogger<WrappedKeyStore>.Instance);

            var keys = await Task.WhenAll(first.GetPublicKeysAsync(CancellationToken.None), second.GetPublicKeysAsync(CancellationToken.None));

            Assert.Equal(2, wrapper.Wraps); // both made a key; one insert lost and adopted the winner's
            var kid = Assert.Single(keys[0]).KeyId;
            Assert.Equal(kid, Assert.Single(keys[1]).KeyId);
            var digest = SHA256.HashData("signed by both"u8);
            using var verifier = RSA.Create(keys[0][0].Parameters);
            foreach (var store in new[] { first, second })
                Assert.True(verifier.VerifyHash(digest, await store.SignDigestAsync(kid, digest, CancellationToken.None), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        }
        finally
        {
            await tables.DeleteAsync(CancellationToken.None);
        }
    }

    /// <summary>Holds each wrap until two have started, so both instances are sure to race to the insert.</summary>
    private sealed class BothWrapAtOnce(IKeyWrapper inner) : IKeyWrapper
    {
        private readonly TaskCompletionSource _both = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _wraps;

        public int Wraps => _wraps;

        public async Task<(byte[] Wrapped, string WrappingKeyId)> WrapAsync(byte[] dataKey, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _wraps) == 2) _both.SetResult();
            await _both.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
            return await inner.WrapAsync(dataKey, ct);
        }

        public Task<byte[]> UnwrapAsync(byte[] wrapped, string wrappingKeyId, CancellationToken ct) => inner.UnwrapAsync(wrapped, wrappingKeyId, ct);
    }

    private static async Task MoveClocksAsync(WrappedServerFixture[] servers, DateTimeOffset to)
    {
        foreach (var server in servers) server.Clock!.SetUtcNow(to);
        // What each instance's refresh timer would do; both at once, so they race to make a key that is due.
        await Task.WhenAll(servers.Select(s => s.Service<SigningKeyRing>().RefreshAsync(CancellationToken.None)));
    }

    private static async Task<string> MintAsync(WrappedServerFixture server, string organizationId)
    {
        var email = $"rotation-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email);
        return (await server.MigrateAsync(organizationId, email)).AssertOk().Str("session_jwt");
    }

    private static async Task<string> AuthenticateAsync(WrappedServerFixture server, string jwt) =>
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = jwt })).AssertOk().Str("session_jwt");

    private static string Kid(string jwt) => new JsonWebToken(jwt).Kid;
}
