using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Core.TrustedTokens;

/// <summary>
/// The public keys of each provider that vouches by signature, fetched and cached by IdentityModel's
/// <see cref="ConfigurationManager{T}"/>: from its OpenID Connect discovery document (<c>MetadataUrl</c>), from its JWKS
/// alone (<c>JwksUrl</c>, through <see cref="JwksRetriever"/>), or from a PEM file (<c>SigningKeyPath</c>). The keys are
/// refreshed every 12 hours, and earlier on an unknown <c>kid</c> at most once per <see cref="UnknownKeyRefreshInterval"/>
/// per provider, so invented kids cannot make this service hammer the provider. A failed refresh keeps the keys held;
/// with none held the caller gets a 503 it may retry.
/// </summary>
public sealed class ProviderKeys(IHttpClientFactory http, TimeProvider time, ILogger<ProviderKeys> log)
{
    public const string HttpClientName = "ProviderKeys";
    public static readonly TimeSpan UnknownKeyRefreshInterval = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, ProviderKeySet> _sets = new(StringComparer.OrdinalIgnoreCase);

    // By default IdentityModel 8 refreshes a held configuration on a background thread, so the request that found an
    // unknown kid would still see the old keys. Blocking refreshes make that request wait for the one fetch (others
    // wait on the same lock rather than fetching again). Process-wide, and read by configuration managers only.
    static ProviderKeys() => AppContext.SetSwitch("Switch.Microsoft.IdentityModel.UpdateConfigAsBlocking", true);

    internal ProviderKeySet For(LegacyProvider provider, SignaturePolicy policy) =>
        _sets.GetOrAdd(provider.Name, _ => new ProviderKeySet(provider.Name, Manager(policy, out var fetches), fetches, time, log));

    private IConfigurationManager<OpenIdConnectConfiguration> Manager(SignaturePolicy policy, out FetchLog fetches)
    {
        fetches = new FetchLog(time);
        if (policy.SigningKeyPath is { } path)
        {
            var configuration = new OpenIdConnectConfiguration();
            configuration.SigningKeys.Add(ReadPem(path)!);
            return new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
        }
        var address = (policy.MetadataUrl ?? policy.JwksUrl)!;
        var documents = new CountingDocumentRetriever(new HttpDocumentRetriever(http.CreateClient(HttpClientName)) { RequireHttps = !address.IsLoopback }, fetches);
        IConfigurationRetriever<OpenIdConnectConfiguration> retriever = policy.MetadataUrl is not null ? new OpenIdConnectConfigurationRetriever() : new JwksRetriever();
        return new ConfigurationManager<OpenIdConnectConfiguration>(address.AbsoluteUri, retriever, documents)
        {
            // Our own gate (ProviderKeySet) spaces unknown-kid refreshes by UnknownKeyRefreshInterval on the service's clock;
            // the manager's own minimum only keeps it from refusing a refresh our gate let through.
            RefreshInterval = BaseConfigurationManager.MinimumRefreshInterval,
        };
    }

    /// <summary>An RSA or EC P-256 public key from a PEM file (<c>SigningKeyPath</c>), with its SHA-256 thumbprint as key id.</summary>
    internal static SecurityKey? ReadPem(string path)
    {
        var pem = File.ReadAllText(path);
        var label = PemEncoding.Find(pem);
        var isEc = pem[label.Label].Contains("EC", StringComparison.Ordinal)
            || pem[label.Label] == "PUBLIC KEY" && TryEc(pem);
        SecurityKey key = isEc ? new ECDsaSecurityKey(Import(ECDsa.Create(), pem)) : new RsaSecurityKey(Import(RSA.Create(), pem));
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    private static bool TryEc(string pem)
    {
        using var ec = ECDsa.Create();
        try { ec.ImportFromPem(pem); return true; }
        catch (CryptographicException) { return false; }
    }

    private static T Import<T>(T algorithm, string pem) where T : AsymmetricAlgorithm
    {
        algorithm.ImportFromPem(pem);
        return algorithm;
    }
}

/// <summary>When this provider's keys were last fetched (or a fetch tried), on the service's clock.</summary>
internal sealed class FetchLog(TimeProvider time)
{
    private long _lastTicks = DateTimeOffset.MinValue.UtcTicks;
    public DateTimeOffset Last => new(Interlocked.Read(ref _lastTicks), TimeSpan.Zero);
    public void Record() => Interlocked.Exchange(ref _lastTicks, time.GetUtcNow().UtcTicks);
}

/// <summary>Counts every document fetched for a provider's keys (the request's <c>keys=</c> cost) and when it happened.</summary>
internal sealed class CountingDocumentRetriever(IDocumentRetriever inner, FetchLog fetches) : IDocumentRetriever
{
    public Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        fetches.Record();
        Diagnostics.RequestCosts.AddKeyFetch();
        return inner.GetDocumentAsync(address, cancel);
    }
}

/// <summary>One provider's keys: the current set, and a refresh on an unknown kid when the gate allows one.</summary>
internal sealed class ProviderKeySet(
    string provider, IConfigurationManager<OpenIdConnectConfiguration> manager, FetchLog fetches, TimeProvider time, ILogger log)
{
    private readonly Lock _gate = new();

    public async Task<ICollection<SecurityKey>> GetAsync(CancellationToken ct)
    {
        try
        {
            return (await manager.GetConfigurationAsync(ct)).SigningKeys;
        }
        catch (InvalidOperationException e) when (!ct.IsCancellationRequested)
        {
            // Only when no keys are held: with keys, the manager keeps serving them after a failed refresh.
            log.LogWarning("The public keys of provider {Provider} could not be fetched: {Error}", provider, e.InnerException?.GetType().Name ?? e.GetType().Name);
            throw new SessionException(ErrorTypes.ProviderKeysUnavailable);
        }
    }

    /// <summary>
    /// Asks for fresh keys because a token names a kid we do not hold: at most once per
    /// <see cref="ProviderKeys.UnknownKeyRefreshInterval"/> since the last fetch. Returns the keys after the refresh, or
    /// null when the gate is shut (the token is refused without any call).
    /// </summary>
    public async Task<ICollection<SecurityKey>?> RefreshAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (time.GetUtcNow() - fetches.Last < ProviderKeys.UnknownKeyRefreshInterval) return null;
            fetches.Record(); // shut the gate for everyone else before the fetch starts
            manager.RequestRefresh();
        }
        return await GetAsync(ct);
    }
}
