using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;

namespace SessionFunctions.Tests.Unit;

public sealed class SigningKeyRingTests
{
    private static readonly RSAParameters PublicParameters = CreateParameters();

    private static RSAParameters CreateParameters()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportParameters(false);
    }

    private static PublicSigningKey Key(string kid) => new(kid, PublicParameters, []);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly Mock<ISigningKeyStore> _store = new(MockBehavior.Strict);
    private IReadOnlyList<PublicSigningKey> _keys = [Key("jwk-test-a")];
    private Exception? _failure;
    private int _reads;

    private SigningKeyRing NewRing(TimeSpan? refreshInterval = null)
    {
        _store.Setup(s => s.GetPublicKeysAsync(It.IsAny<CancellationToken>())).Returns(() =>
        {
            Interlocked.Increment(ref _reads);
            return _failure is { } e ? Task.FromException<IReadOnlyList<PublicSigningKey>>(e) : Task.FromResult(_keys);
        });
        return new SigningKeyRing(_store.Object, Microsoft.Extensions.Options.Options.Create(new SigningOptions { KeyRefreshInterval = refreshInterval ?? TimeSpan.FromHours(1) }),
            _time, NullLogger<SigningKeyRing>.Instance);
    }

    [Fact]
    public async Task The_first_get_loads_the_keys_and_later_gets_use_memory()
    {
        var ring = NewRing();

        var first = await ring.GetAsync(CancellationToken.None);
        for (var i = 0; i < 10; i++) Assert.Same(first, await ring.GetAsync(CancellationToken.None));

        Assert.Equal(1, _reads);
        Assert.Equal("jwk-test-a", first.Current.KeyId);
        Assert.Equal(_time.GetUtcNow(), first.LoadedAt);
    }

    [Fact]
    public async Task A_known_kid_never_refreshes()
    {
        var ring = NewRing();

        for (var i = 0; i < 10; i++) Assert.NotNull(await ring.FindAsync("jwk-test-a", CancellationToken.None));

        Assert.Equal(1, _reads);
    }

    [Fact]
    public async Task An_unknown_kid_refreshes_the_store_at_most_once_per_cooldown()
    {
        var ring = NewRing();
        await ring.GetAsync(CancellationToken.None);
        Assert.Equal(1, _reads);

        Assert.Null(await ring.FindAsync("jwk-test-unknown", CancellationToken.None));
        Assert.Equal(2, _reads);

        for (var i = 0; i < 20; i++) Assert.Null(await ring.FindAsync("jwk-test-unknown", CancellationToken.None));
        Assert.Equal(2, _reads);

        _time.Advance(SigningKeyRing.UnknownKidCooldown - TimeSpan.FromSeconds(1));
        Assert.Null(await ring.FindAsync("jwk-test-unknown", CancellationToken.None));
        Assert.Equal(2, _reads);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await ring.FindAsync("jwk-test-unknown", CancellationToken.None));
        Assert.Equal(3, _reads);

        Assert.Null(await ring.FindAsync("jwk-test-unknown", CancellationToken.None));
        Assert.Equal(3, _reads);
    }

    [Fact]
    public async Task The_cooldown_is_shared_by_all_unknown_kids()
    {
        var ring = NewRing();
        await ring.GetAsync(CancellationToken.None);

        Assert.Null(await ring.FindAsync("jwk-test-x", CancellationToken.None));
        Assert.Null(await ring.FindAsync("jwk-test-y", CancellationToken.None));
        Assert.Null(await ring.FindAsync("jwk-test-z", CancellationToken.None));

        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task A_kid_rotated_in_since_the_last_load_is_found_after_one_refresh()
    {
        var ring = NewRing();
        await ring.GetAsync(CancellationToken.None);
        _keys = [Key("jwk-test-b"), Key("jwk-test-a")];

        var key = await ring.FindAsync("jwk-test-b", CancellationToken.None);

        Assert.NotNull(key);
        Assert.Equal("jwk-test-b", key.KeyId);
        Assert.Equal(2, _reads);
        Assert.Equal("jwk-test-b", (await ring.GetAsync(CancellationToken.None)).Current.KeyId);
        Assert.NotNull(await ring.FindAsync("jwk-test-a", CancellationToken.None));
        Assert.Equal(2, _reads);
    }

    [Fact]
    public async Task Keys_older_than_the_refresh_interval_are_served_while_a_refresh_runs()
    {
        var ring = NewRing(TimeSpan.FromMinutes(10));
        var old = await ring.GetAsync(CancellationToken.None);
        _keys = [Key("jwk-test-b")];
        _time.Advance(TimeSpan.FromMinutes(11));

        Assert.Same(old, await ring.GetAsync(CancellationToken.None));

        await WaitUntilAsync(() => Volatile.Read(ref _reads) == 2);
        var fresh = await ring.GetAsync(CancellationToken.None);
        Assert.Equal("jwk-test-b", fresh.Current.KeyId);
        Assert.Equal(_time.GetUtcNow(), fresh.LoadedAt);
    }

    [Fact]
    public async Task A_failed_background_refresh_keeps_the_keys_loaded_before()
    {
        var ring = NewRing(TimeSpan.FromMinutes(10));
        var old = await ring.GetAsync(CancellationToken.None);
        _failure = new InvalidOperationException("store down");
        _time.Advance(TimeSpan.FromMinutes(11));

        Assert.Same(old, await ring.GetAsync(CancellationToken.None));
        await WaitUntilAsync(() => Volatile.Read(ref _reads) >= 2);

        Assert.Same(old, await ring.GetAsync(CancellationToken.None));
        Assert.NotNull(await ring.FindAsync("jwk-test-a", CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_background_refresh_is_not_retried_on_every_request()
    {
        var ring = NewRing(TimeSpan.FromMinutes(10));
        await ring.GetAsync(CancellationToken.None);
        _failure = new InvalidOperationException("store down");
        _time.Advance(TimeSpan.FromMinutes(11));

        for (var i = 0; i < 20; i++)
        {
            await ring.GetAsync(CancellationToken.None);
            await WaitUntilAsync(() => Volatile.Read(ref _reads) >= 2);
        }

        Assert.InRange(Volatile.Read(ref _reads), 2, 3);
    }

    [Fact]
    public async Task A_store_without_keys_is_an_error()
    {
        _keys = [];
        var ring = NewRing();

        await Assert.ThrowsAsync<InvalidOperationException>(() => ring.RefreshAsync(CancellationToken.None));
    }

    [Fact]
    public void The_snapshot_publishes_every_key_with_the_first_signing()
    {
        var snapshot = new KeySnapshot([Key("jwk-test-new"), Key("jwk-test-old")], DateTimeOffset.UnixEpoch);

        Assert.Equal("jwk-test-new", snapshot.Current.KeyId);
        Assert.Equal(["jwk-test-new", "jwk-test-old"], snapshot.Jwks.Select(j => j.Kid));
        Assert.Equal(["jwk-test-new", "jwk-test-old"], snapshot.VerificationKeys.Keys.Order());
        Assert.All(snapshot.Jwks, j => Assert.Empty(j.X5c));
        Assert.All(snapshot.Jwks, j => Assert.Equal("", j.X5tS256));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 5 s");
            await Task.Delay(10);
        }
    }
}
