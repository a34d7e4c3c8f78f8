using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// The public keys, held in memory: which key signs new tokens, the JWKS, and the keys that verify incoming JWTs.
/// The store is asked only at start-up, when the refresh interval has passed (in the background, serving the old
/// keys meanwhile), and when a token names a kid we do not know (at most once per <see cref="UnknownKidCooldown"/>).
/// </summary>
public sealed class SigningKeyRing(ISigningKeyStore store, IOptions<SigningOptions> options, TimeProvider time, ILogger<SigningKeyRing> log)
{
    public static readonly TimeSpan UnknownKidCooldown = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile KeySnapshot? _snapshot;
    private DateTimeOffset _lastUnknownKidRefresh = DateTimeOffset.MinValue;
    private DateTimeOffset _lastBackgroundRefresh = DateTimeOffset.MinValue;

    public async ValueTask<KeySnapshot> GetAsync(CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot is null) return await RefreshAsync(ct);
        var now = time.GetUtcNow();
        // Stale keys are refreshed in the background; after a failed refresh, not again before the cooldown.
        if (now - snapshot.LoadedAt > options.Value.KeyRefreshInterval && now - _lastBackgroundRefresh >= UnknownKidCooldown)
        {
            _lastBackgroundRefresh = now;
            _ = RefreshInBackgroundAsync();
        }
        return snapshot;
    }

    /// <summary>The verification key for <paramref name="kid"/>, refreshing once if it is unknown (a rotation).</summary>
    public async ValueTask<SecurityKey?> FindAsync(string kid, CancellationToken ct)
    {
        var snapshot = await GetAsync(ct);
        if (snapshot.VerificationKeys.TryGetValue(kid, out var key)) return key;
        var now = time.GetUtcNow();
        if (now - _lastUnknownKidRefresh < UnknownKidCooldown) return null;
        _lastUnknownKidRefresh = now;
        snapshot = await RefreshAsync(ct);
        return snapshot.VerificationKeys.GetValueOrDefault(kid);
    }

    public async Task<KeySnapshot> RefreshAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var keys = await store.GetPublicKeysAsync(ct);
            if (keys.Count == 0) throw new InvalidOperationException("The signing key store has no enabled key.");
            var snapshot = new KeySnapshot(keys, time.GetUtcNow());
            _snapshot = snapshot;
            log.LogInformation("Loaded {Count} signing key(s); signing with {Kid}.", keys.Count, snapshot.Current.KeyId);
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        if (_gate.CurrentCount == 0) return; // a refresh is already running
        try { await RefreshAsync(CancellationToken.None); }
        catch (Exception e) { log.LogWarning(e, "Refreshing the signing keys failed; keeping the keys loaded before."); }
    }
}

/// <summary>One consistent view of the keys: the signing key, the JWKS, and verification keys by kid (published and retired).</summary>
public sealed class KeySnapshot
{
    public KeySnapshot(IReadOnlyList<PublicSigningKey> keys, DateTimeOffset loadedAt)
    {
        Keys = [.. keys.Where(k => k.Published)];
        if (Keys.Count == 0) throw new InvalidOperationException("The signing key store has no published key.");
        LoadedAt = loadedAt;
        Jwks = [.. Keys.Select(ToJwk)];
        // Retired keys verify too (SigningKeyRetention): a live session's old JWT still authenticates after its key left the JWKS.
        VerificationKeys = keys.DistinctBy(k => k.KeyId).ToDictionary(k => k.KeyId, k => (SecurityKey)new RsaSecurityKey(k.Parameters) { KeyId = k.KeyId });
    }

    /// <summary>The published keys (the JWKS), the signing one first.</summary>
    public IReadOnlyList<PublicSigningKey> Keys { get; }
    public PublicSigningKey Current => Keys[0];
    public IReadOnlyList<Jwk> Jwks { get; }
    public IReadOnlyDictionary<string, SecurityKey> VerificationKeys { get; }
    public DateTimeOffset LoadedAt { get; }

    private static Jwk ToJwk(PublicSigningKey k) => new()
    {
        Kid = k.KeyId,
        N = Base64Url.EncodeToString(k.Parameters.Modulus),
        E = Base64Url.EncodeToString(k.Parameters.Exponent),
        X5c = k.Certificate.Length == 0 ? [] : [Convert.ToBase64String(k.Certificate)],
        X5tS256 = k.Certificate.Length == 0 ? "" : Base64Url.EncodeToString(SHA256.HashData(k.Certificate)),
    };
}
