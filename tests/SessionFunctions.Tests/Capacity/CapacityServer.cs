using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using SessionFunctions.Tests.Infrastructure;
using SessionFunctions.Tests.KeyVault;

namespace SessionFunctions.Tests.Capacity;

/// <summary>
/// The real server in one signing mode (<c>Local</c>: a PEM; <c>Wrapped</c>: keys wrapped by a key in a
/// <see cref="FakeKeyVault"/>; <c>KeyVault</c>: every JWT signed by that vault), with a provider that vouches by
/// signature (<c>signed</c>, for attest and signed-token migrates) beside the default UserInfo provider. With
/// <c>coldOrganizations</c>, <see cref="BeforeEachRequest"/> evicts every organization the tests made from this
/// instance's cache, so the next request reads each organization it resolves, as on an instance that has not seen it yet
/// (and, like it, finds the organization cached from its own first read on).
/// </summary>
public sealed class CapacityServer(string mode, bool coldOrganizations) : ServerFixture
{
    public string Mode => mode;
    public FakeKeyVault? Vault { get; private set; }
    public FakeTrustedProvider Signed { get; private set; } = null!;

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Sessions:Providers:signed:Issuer"] = Signed.Issuer;
        settings["Sessions:Providers:signed:Audience"] = Signed.Audience;
        settings["Sessions:Providers:signed:JwksUrl"] = Signed.JwksUrl;
        switch (mode)
        {
            case "Wrapped":
                settings["Signing:Mode"] = "Wrapped";
                settings["Signing:WrappingKeyId"] = Vault!.KeyId.ToString();
                break;
            case "KeyVault":
                settings["Signing:KeyVaultKeyId"] = Vault!.KeyId.ToString();
                break;
        }
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        if (Vault is not null) services.AddSingleton<TokenCredential>(new FakeTokenCredential());
    }

    private readonly List<(string Id, string Slug)> _organizations = [];

    /// <summary>Remembers an organization the tests made, to evict it before each measured request of a cold server.</summary>
    public void Remember(string id, string slug) { lock (_organizations) _organizations.Add((id, slug)); }

    /// <summary>Cold: forgets every organization the tests made, as a fresh instance would not know them.</summary>
    public void BeforeEachRequest()
    {
        if (!coldOrganizations) return;
        var cache = Service<Core.Storage.OrganizationCache>();
        lock (_organizations)
            foreach (var (id, slug) in _organizations)
                cache.Remove(Core.Storage.OrganizationKeys.Of(id, [Core.Storage.Keys.OrganizationName(slug)]));
    }

    protected override IEnumerable<string> MoreSecrets { get { lock (Signed.Issued) return [.. Signed.Issued]; } }

    /// <summary>Starts a server (and its vault and provider), runs <paramref name="test"/>, stops them.</summary>
    public static async Task RunAsync(string mode, bool coldOrganizations, Func<CapacityServer, Task> test)
    {
        var server = new CapacityServer(mode, coldOrganizations);
        server.Signed = await FakeTrustedProvider.StartAsync();
        if (mode is "Wrapped" or "KeyVault")
        {
            server.Vault = await FakeKeyVault.StartAsync();
            server.Vault.AddVersion(DateTimeOffset.UtcNow.AddDays(-10));
        }
        try
        {
            await server.InitializeAsync();
            try { await test(server); }
            finally { await server.DisposeAsync(); }
        }
        finally
        {
            if (server.Vault is not null) await server.Vault.DisposeAsync();
            await server.Signed.DisposeAsync();
        }
    }
}
