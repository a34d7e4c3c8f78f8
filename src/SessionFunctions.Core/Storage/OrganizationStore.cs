using System.Text.Json;
using Azure;
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

    /// <summary>
    /// Writes the organization and its name index rows (slug, and external id when it has one) in one transaction.
    /// Slugs and external ids share one name index, ASCII case folded, so a create whose slug or external id already
    /// names another organization either way fails whole.
    /// </summary>
    public async Task CreateAsync(Organization organization, CancellationToken ct)
    {
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new OrganizationEntity
            {
                PartitionKey = Keys.OrganizationsPartition,
                RowKey = Keys.Organization(organization.OrganizationId),
                Payload = JsonSerializer.Serialize(organization, SessionJson.Options),
                MemberShards = organization.MemberShards,
            }),
        };
        var names = Names(organization);
        actions.AddRange(names.Select(n => new TableTransactionAction(TableTransactionActionType.Add, Pointer(n.RowKey, organization.OrganizationId))));
        try
        {
            await tables.Organizations.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            var clash = e.FailedTransactionActionIndex is { } i and > 0 && i <= names.Count ? names[i - 1].Field : NameField.Slug;
            throw new SessionException(clash == NameField.ExternalId
                ? ErrorTypes.OrganizationExternalIdAlreadyUsed
                : ErrorTypes.OrganizationSlugAlreadyUsed);
        }
        Remember(organization.OrganizationId, organization);
    }

    /// <summary>The stored organization with its row's ETag, for a conditional update; never from cache.</summary>
    internal async Task<(Organization Organization, ETag ETag)?> ReadForUpdateAsync(string organizationId, CancellationToken ct)
    {
        var row = await tables.Organizations.GetEntityIfExistsAsync<OrganizationEntity>(Keys.OrganizationsPartition, Keys.Organization(organizationId), cancellationToken: ct);
        return row.HasValue ? (FromRow(row.Value!), row.Value!.ETag) : null;
    }

    /// <summary>
    /// Replaces the organization (if its row still has <paramref name="etag"/>) and moves its name index rows, in one
    /// transaction: a new slug or external id that already names another organization fails it whole. This instance's
    /// cache forgets the old names at once; other instances within <c>Sessions__OrganizationCacheDuration</c>.
    /// </summary>
    internal async Task UpdateAsync(Organization before, Organization after, ETag etag, CancellationToken ct)
    {
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, new OrganizationEntity
            {
                PartitionKey = Keys.OrganizationsPartition, RowKey = Keys.Organization(after.OrganizationId),
                Payload = JsonSerializer.Serialize(after, SessionJson.Options),
                MemberShards = after.MemberShards,
            }, etag),
        };
        var (oldNames, newNames) = (Names(before), Names(after));
        var added = newNames.Where(n => oldNames.All(o => o.RowKey != n.RowKey)).ToList();
        actions.AddRange(added.Select(n => new TableTransactionAction(TableTransactionActionType.Add, Pointer(n.RowKey, after.OrganizationId))));
        actions.AddRange(oldNames.Where(o => newNames.All(n => n.RowKey != o.RowKey))
            .Select(o => new TableTransactionAction(TableTransactionActionType.Delete, Pointer(o.RowKey, before.OrganizationId), ETag.All)));
        try
        {
            await tables.Organizations.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            var clash = e.FailedTransactionActionIndex is { } i and > 0 && i <= added.Count ? added[i - 1].Field : NameField.Slug;
            throw new SessionException(clash == NameField.ExternalId ? ErrorTypes.OrganizationExternalIdAlreadyUsed : ErrorTypes.OrganizationSlugAlreadyUsed);
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 404)
        {
            throw new RowChangedException(e);
        }
        foreach (var name in new[] { before.OrganizationSlug, before.OrganizationExternalId })
            if (name is not null) cache.Remove(CacheKey(name));
        Remember(after.OrganizationId, after);
    }

    internal enum NameField { Slug, ExternalId }

    /// <summary>
    /// The name index rows an organization holds: its slug's, and its external id's unless that folds to the slug
    /// (one name, one row).
    /// </summary>
    internal static List<(NameField Field, string RowKey)> Names(Organization organization)
    {
        var names = new List<(NameField, string)> { (NameField.Slug, Keys.OrganizationName(organization.OrganizationSlug)) };
        if (organization.OrganizationExternalId is { } externalId && Keys.OrganizationName(externalId) != names[0].Item2)
            names.Add((NameField.ExternalId, Keys.OrganizationName(externalId)));
        return names;
    }

    /// <summary>Resolves an organization_id, or a slug or external id (ignoring ASCII case). Throws organization_not_found.</summary>
    public async Task<Organization> GetAsync(string identifier, CancellationToken ct) =>
        await FindAsync(identifier, ct) ?? throw new SessionException(ErrorTypes.OrganizationNotFound);

    public async Task<Organization?> FindAsync(string identifier, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(identifier) || identifier.Length > 256) return null;
        if (cache.TryGetValue(CacheKey(identifier), out Organization? cached)) return cached;

        var organization = ids.TryParseOrganization(identifier, out _)
            ? await ReadAsync(identifier, ct)
            : await FollowAsync(Keys.OrganizationName(identifier), ct);
        if (organization is not null) Remember(identifier, organization);
        return organization;
    }

    private async Task<Organization?> FollowAsync(string pointerRow, CancellationToken ct)
    {
        var pointer = await tables.Organizations.GetEntityIfExistsAsync<PointerEntity>(Keys.OrganizationsPartition, pointerRow, cancellationToken: ct);
        return pointer.HasValue ? await ReadAsync(pointer.Value!.Target, ct) : null;
    }

    private async Task<Organization?> ReadAsync(string organizationId, CancellationToken ct)
    {
        var row = await tables.Organizations.GetEntityIfExistsAsync<OrganizationEntity>(Keys.OrganizationsPartition, Keys.Organization(organizationId), cancellationToken: ct);
        return row.HasValue ? FromRow(row.Value!) : null;
    }

    private static Organization FromRow(OrganizationEntity row) =>
        JsonSerializer.Deserialize<Organization>(row.Payload, SessionJson.Options)! with { MemberShards = row.MemberShards };

    private void Remember(string identifier, Organization organization)
    {
        cache.Set(CacheKey(identifier), organization, _cacheDuration);
        cache.Set(CacheKey(organization.OrganizationId), organization, _cacheDuration);
    }

    /// <summary>
    /// Names are cached under their folded form, as the name index compares them, so evicting a name on update evicts
    /// every spelling of it (a name cached as "ACME" must not outlive a rename of "acme" on this instance).
    /// </summary>
    private string CacheKey(string identifier) =>
        ids.TryParseOrganization(identifier, out _) ? "organization:" + identifier : "organization-name:" + AsciiCase.Fold(identifier);

    private static PointerEntity Pointer(string rowKey, string target) =>
        new() { PartitionKey = Keys.OrganizationsPartition, RowKey = rowKey, Target = target };
}
