using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using SessionFunctions.Core.Signing;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.KeyVault;

/// <summary>
/// The real server, signing with a key in a <see cref="FakeKeyVault"/> (<c>Signing:KeyVaultKeyId</c> points at it) and
/// authenticating to it with a <see cref="FakeTokenCredential"/> registered in DI. By default the vault holds one version,
/// created ten days ago; a test that needs another history passes <c>seed</c>, which runs before the server starts.
/// </summary>
public class KeyVaultServerFixture : ServerFixture, IAsyncLifetime
{
    private readonly Func<FakeKeyVault, string> _seed;
    private readonly bool _fakeClock;

    public KeyVaultServerFixture() : this(null) { }

    /// <param name="seed">Adds the vault's versions; returns the one expected to sign.</param>
    /// <param name="fakeClock">Give the server a clock that only moves when the test says so.</param>
    private KeyVaultServerFixture(Func<FakeKeyVault, string>? seed, bool fakeClock = false)
    {
        _seed = seed ?? (vault => vault.AddVersion(DateTimeOffset.UtcNow.AddDays(-10)));
        _fakeClock = fakeClock;
    }

    public FakeKeyVault Vault { get; private set; } = null!;
    public FakeTokenCredential Credential { get; } = new();

    /// <summary>The version the server signed with when it started.</summary>
    public string SigningVersion { get; private set; } = "";

    /// <summary>The JWT kid of a version of the vault's key.</summary>
    public string KidOf(string version) => KeyVaultKeyStore.KeyIdOf(Service<Core.Identity.IdFormat>(), version);

    protected override bool UseFakeClock => _fakeClock;

    protected override void Configure(IDictionary<string, string?> settings) => settings["Signing:KeyVaultKeyId"] = Vault.KeyId.ToString();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TokenCredential>(Credential);

    public new async Task InitializeAsync()
    {
        Vault = await FakeKeyVault.StartAsync();
        SigningVersion = _seed(Vault);
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Vault.DisposeAsync();
    }

    /// <summary>Runs <paramref name="test"/> against a server and vault of its own (for tests that break or rotate the vault).</summary>
    public static async Task RunAsync(Func<KeyVaultServerFixture, Task> test, Func<FakeKeyVault, string>? seed = null, bool fakeClock = false)
    {
        var server = new KeyVaultServerFixture(seed, fakeClock);
        await server.InitializeAsync();
        try { await test(server); }
        finally { await server.DisposeAsync(); }
    }
}
