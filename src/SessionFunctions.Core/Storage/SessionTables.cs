using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// The tables: <c>Organizations</c> (256 partitions by a hash of the id or name, cached; <c>OrganizationChanges</c> tells
/// every instance what to evict), <c>Members</c> (partition = the member's, see
/// <see cref="MemberPartition"/>: members, their email index rows, and their sessions next to them; external-id
/// pointers in the organization's own partition) and <c>SessionExpiry</c> (partition = expiry minute and shard).
/// A member and its sessions share a partition so that one range read returns both.
/// <c>SigningKeys</c> holds the wrapped signing keys of <c>Signing__Mode=Wrapped</c> (a few rows; unused in other modes).
/// </summary>
public sealed class SessionTables
{
    internal TableClient Organizations { get; }
    internal TableClient Members { get; }
    internal TableClient Expiry { get; }
    internal TableClient SigningKeys { get; }
    internal TableClient OrganizationChanges { get; }

    public SessionTables(IOptions<StorageOptions> options, TokenCredential credential, IEnumerable<TablePipelinePolicy> policies)
    {
        var o = options.Value;
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(100);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        clientOptions.AddPolicy(TableRoundTripPolicy.Instance, HttpPipelinePosition.PerRetry);
        foreach (var extra in policies) clientOptions.AddPolicy(extra.Policy, extra.Position);
        var service = string.IsNullOrWhiteSpace(o.ConnectionString)
            ? new TableServiceClient(o.TableServiceUri!, credential, clientOptions)
            : new TableServiceClient(o.ConnectionString, clientOptions);
        Organizations = service.GetTableClient(o.TablePrefix + "Organizations");
        Members = service.GetTableClient(o.TablePrefix + "Members");
        Expiry = service.GetTableClient(o.TablePrefix + "SessionExpiry");
        SigningKeys = service.GetTableClient(o.TablePrefix + "SigningKeys");
        OrganizationChanges = service.GetTableClient(o.TablePrefix + "OrganizationChanges");
        All = [Organizations, Members, Expiry, SigningKeys, OrganizationChanges];
    }

    /// <summary>Every table the service uses (infra/main.bicep declares the same list; a test compares them).</summary>
    internal IReadOnlyList<TableClient> All { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken ct)
    {
        foreach (var table in All)
            await table.CreateIfNotExistsAsync(ct);
    }

    /// <summary>Drops all the tables (test clean-up).</summary>
    public async Task DeleteAsync(CancellationToken ct)
    {
        foreach (var table in All)
            await table.DeleteAsync(ct);
    }
}

/// <summary>An extra Azure.Core policy for the table clients, registered in DI (the tests inject storage faults with it).</summary>
public sealed record TablePipelinePolicy(HttpPipelinePolicy Policy, HttpPipelinePosition Position = HttpPipelinePosition.PerCall);
