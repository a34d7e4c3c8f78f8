using System.Security.Cryptography;
using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;
using SessionFunctions.Tests.Infrastructure;
using SessionFunctions.Tests.KeyVault;

namespace SessionFunctions.Tests.Signing;

/// <summary>
/// The real server in <c>Signing:Mode=Wrapped</c>: signing keys wrapped by a local PEM (<c>Signing:WrappingKeyPath</c>), or
/// by a key in a <see cref="FakeKeyVault"/> (<c>Signing:WrappingKeyId</c>). A server made with <c>sharedWith</c> uses the
/// other one's tables and wrapping key, as a second instance of the same deployment would.
/// </summary>
public sealed class WrappedServerFixture(WrappedServerFixture? sharedWith = null, FakeKeyVault? vault = null, bool fakeClock = false,
    IReadOnlyDictionary<string, string>? settings = null) : ServerFixture
{
    /// <summary>Instances of one deployment share its project.</summary>
    public override string ProjectId => sharedWith?.ProjectId ?? base.ProjectId;

    public override string Secret => sharedWith?.Secret ?? base.Secret;

    public string WrappingKeyPath => sharedWith?.WrappingKeyPath ?? Path.Combine(WorkDirectory, "wrapping-key.pem");

    /// <summary>The table prefix of the deployment (the first server's).</summary>
    public string DeploymentPrefix => sharedWith?.DeploymentPrefix ?? TablePrefix;

    protected override bool UseFakeClock => fakeClock;

    protected override void Configure(IDictionary<string, string?> s)
    {
        s["Signing:Mode"] = "Wrapped";
        s["Storage:TablePrefix"] = DeploymentPrefix;
        if (vault is null) s["Signing:WrappingKeyPath"] = WrappingKeyPath;
        else s["Signing:WrappingKeyId"] = vault.KeyId.ToString();
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) s[key] = value;
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        if (vault is not null) services.AddSingleton<TokenCredential>(new FakeTokenCredential());
    }

    /// <summary>The stored signing key rows, every column, read straight from Table Storage.</summary>
    public async Task<List<TableEntity>> SigningKeyRowsAsync()
    {
        var table = new TableServiceClient(TestStorage.ConnectionString).GetTableClient(DeploymentPrefix + "SigningKeys");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>()) rows.Add(row);
        return rows;
    }

    /// <summary>Opens a stored row the way the service does, with the wrapping PEM: what a thief with the table alone cannot do.</summary>
    public RSA OpenWithWrappingPem(TableEntity row)
    {
        using var wrapping = RSA.Create();
        wrapping.ImportFromPem(File.ReadAllText(WrappingKeyPath));
        var dataKey = wrapping.Decrypt(row.GetBinary("WrappedDataKey"), RSAEncryptionPadding.OaepSHA256);
        var pkcs8 = KeyEnvelope.Open(new KeyEnvelope.Sealed(row.GetBinary("Nonce"), row.GetBinary("EncryptedPrivateKey"), row.GetBinary("Tag")),
            dataKey, WrappedKeyStore.AssociatedData(row.RowKey, row.GetString("KeyId")));
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return rsa;
    }

    /// <summary>The JWKS this server publishes: kid → n.</summary>
    public async Task<Dictionary<string, string>> JwksAsync() =>
        (await GetAsync($"/v1/b2b/sessions/jwks/{ProjectId}", Anonymous)).AssertOk().Json.GetProperty("keys").EnumerateArray()
            .ToDictionary(k => k.GetProperty("kid").GetString()!, k => k.GetProperty("n").GetString()!);

    /// <summary>Starts the servers in order (the first makes the deployment's first key), runs the test, stops them.</summary>
    public static async Task RunAsync(Func<WrappedServerFixture[], Task> test, params Func<WrappedServerFixture?, WrappedServerFixture>[] make)
    {
        var servers = new List<WrappedServerFixture>();
        try
        {
            foreach (var m in make)
            {
                var server = m(servers.FirstOrDefault());
                await server.InitializeAsync();
                servers.Add(server);
            }
            await test([.. servers]);
        }
        finally
        {
            for (var i = servers.Count - 1; i >= 0; i--) await servers[i].DisposeAsync();
        }
    }
}
