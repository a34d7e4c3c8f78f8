using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Storage;

/// <summary>
/// Organizations, found by id, slug or external id with point reads, and cached in memory: they are read on every
/// migrate and never change once created, so the request paths pay nothing for them after the first lookup.
/// </summary>
public sealed class OrganizationStore(SessionTables tables, IMemoryCache cache, IdFormat ids, IOptions<SessionsOptions> options)
{
    private readonly TimeSpan _cacheDuration = options.Value.OrganizationCacheDuration;

    /// <summary>Writes the organization and its slug and external-id index rows in one transaction.</summary>
    public async Task CreateAsync(Organization organization, CancellationToken ct)
    {
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new OrganizationEntity
            {
                PartitionKey = Keys.OrganizationsPartition,
                RowKey = Keys.Organization(organization.OrganizationId),
                Payload = JsonSerializer.Serialize(organization, SessionJson.Options),
            }),
            new(TableTransactionActionType.Add, Pointer(Keys.Slug(organization.OrganizationSlug), organization.OrganizationId)),
        };
        if (organization.OrganizationExternalId is { } externalId)
            actions.Add(new(TableTransactionActionType.Add, Pointer(Keys.OrganizationExternalId(externalId), organization.OrganizationId)));
        try
        {
            await tables.Organizations.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            throw new SessionException(e.FailedTransactionActionIndex == 2
                ? ErrorTypes.OrganizationExternalIdAlreadyUsed
                : ErrorTypes.OrganizationSlugAlreadyUsed);
        }
        Remember(organization.OrganizationId, organization);
    }

    /// <summary>Resolves an organization_id, slug or external id, in that order. Throws organization_not_found.</summary>
    public async Task<Organization> GetAsync(string identifier, CancellationToken ct) =>
        await FindAsync(identifier, ct) ?? throw new SessionException(ErrorTypes.OrganizationNotFound);

    public async Task<Organization?> FindAsync(string identifier, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(identifier) || identifier.Length > 256) return null;
        if (cache.TryGetValue(CacheKey(identifier), out Organization? cached)) return cached;

        var organization = ids.TryParseOrganization(identifier, out _)
            ? await ReadAsync(identifier, ct)
            : await FollowAsync(Slugs.IsValid(identifier) ? Keys.Slug(identifier) : null, ct)
              ?? await FollowAsync(Keys.OrganizationExternalId(identifier), ct);
        if (organization is not null) Remember(identifier, organization);
        return organization;
    }

    private async Task<Organization?> FollowAsync(string? pointerRow, CancellationToken ct)
    {
        if (pointerRow is null) return null;
        var pointer = await tables.Organizations.GetEntityIfExistsAsync<PointerEntity>(Keys.OrganizationsPartition, pointerRow, cancellationToken: ct);
        return pointer.HasValue ? await ReadAsync(pointer.Value!.Target, ct) : null;
    }

    private async Task<Organization?> ReadAsync(string organizationId, CancellationToken ct)
    {
        var row = await tables.Organizations.GetEntityIfExistsAsync<OrganizationEntity>(Keys.OrganizationsPartition, Keys.Organization(organizationId), cancellationToken: ct);
        return row.HasValue ? JsonSerializer.Deserialize<Organization>(row.Value!.Payload, SessionJson.Options) : null;
    }

    private void Remember(string identifier, Organization organization)
    {
        cache.Set(CacheKey(identifier), organization, _cacheDuration);
        cache.Set(CacheKey(organization.OrganizationId), organization, _cacheDuration);
    }

    private static string CacheKey(string identifier) => "organization:" + identifier;

    private static PointerEntity Pointer(string rowKey, string target) =>
        new() { PartitionKey = Keys.OrganizationsPartition, RowKey = rowKey, Target = target };
}
