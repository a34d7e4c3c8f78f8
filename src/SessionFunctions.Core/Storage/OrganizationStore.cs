using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Storage;

/// <summary>Where a stored organization was read: its row's ETag, and whether it is a row of the old single partition.</summary>
internal sealed record OrganizationVersion(ETag ETag, bool Legacy);

/// <summary>
/// Organizations, found by id, slug or external id with point reads, and cached (<see cref="OrganizationCache"/>).
/// <para>
/// Organization rows are spread over 256 partitions by a hash of the id, their name index rows (<c>name|{hash}</c>,
/// one per slug and external id, ASCII case folded) over 256 by the name's hash, so no organization shape makes a hot
/// partition. A write therefore spans partitions and cannot be one transaction; it stays fail-closed by its order:
/// claim the new names first (add the pointer row, or take over a pointer whose organization no longer claims that name,
/// conditionally on its ETag), then write the organization (conditionally on its ETag), then drop the pointers of names
/// it gave up (conditionally, and only if they still point to it). A name resolves only when the organization it points
/// to still claims it, so a write that stops half way leaves at most a pointer that resolves to nothing and that the
/// next create or update wanting that name takes over once <see cref="NameClaimLease"/> has passed.
/// </para>
/// <para>
/// Rows written before organizations were spread (partition <c>organizations</c>) keep working: a read that misses the
/// new place falls back to the old one, a name claimed there still counts, and the first update of such an organization
/// moves it (claims all its names in the new place, adds its row there, then deletes the old rows).
/// </para>
/// </summary>
public sealed class OrganizationStore(SessionTables tables, OrganizationCache cache, OrganizationChangeFeed changes, IdFormat ids, TimeProvider time)
{
    /// <summary>
    /// How long a claimed name pointer whose organization does not (yet) claim the name is left alone: the create or
    /// update that claimed it writes its organization within this time, or died. Two writers racing for one name so
    /// never both win it.
    /// </summary>
    internal static readonly TimeSpan NameClaimLease = TimeSpan.FromMinutes(2);

    /// <summary>Claims the organization's names, then writes it. A slug or external id that another organization holds fails it.</summary>
    public async Task CreateAsync(Organization organization, CancellationToken ct)
    {
        var claimed = new List<PointerEntity>();
        try
        {
            foreach (var name in Names(organization))
                await ClaimAsync(name, organization.OrganizationId, claimed, ct);
        }
        catch (SessionException)
        {
            // A name is taken: give back the ones this create claimed (nobody else points to an id that was never
            // written), so a corrected retry finds them free. Best effort: one left behind expires with its lease.
            foreach (var pointer in claimed)
                try { await tables.Organizations.DeleteEntityAsync(pointer.PartitionKey, pointer.RowKey, pointer.ETag, CancellationToken.None); }
                catch (RequestFailedException) { }
            throw;
        }
        await tables.Organizations.AddEntityAsync(Row(organization), ct);
        cache.Set(OrganizationKeys.Of(organization.OrganizationId, Names(organization).Select(n => n.RowKey)), organization, time.GetUtcNow());
    }

    /// <summary>The stored organization with its row's version, for a conditional update; never from cache.</summary>
    internal async Task<(Organization Organization, OrganizationVersion Version)?> ReadForUpdateAsync(string organizationId, CancellationToken ct)
    {
        var row = await ReadRowAsync(organizationId, ct);
        return row is null ? null : (Deserialize(row), new OrganizationVersion(row.ETag, row.PartitionKey == Keys.LegacyOrganizationsPartition));
    }

    /// <summary>
    /// Replaces the organization if its row is still at <paramref name="version"/> (else <see cref="RowChangedException"/>):
    /// appends the change to the feed, claims the added names, writes the row, drops the names given up. This instance's
    /// cache forgets the old entries at once; other instances within <c>Sessions__OrganizationChangePoll</c>.
    /// </summary>
    internal async Task UpdateAsync(Organization before, Organization after, OrganizationVersion version, CancellationToken ct)
    {
        var (oldNames, newNames) = (Names(before), Names(after));
        await changes.AppendAsync(before.OrganizationId, oldNames.Select(n => n.RowKey), ct);
        cache.Remove(OrganizationKeys.Of(before.OrganizationId, oldNames.Select(n => n.RowKey))); // whatever happens next
        foreach (var name in version.Legacy ? newNames : newNames.Where(n => oldNames.All(o => o.RowKey != n.RowKey)))
            await ClaimAsync(name, after.OrganizationId, claimed: [], ct);
        try
        {
            if (version.Legacy) await tables.Organizations.AddEntityAsync(Row(after), ct); // another update moved it first: 409
            else await tables.Organizations.UpdateEntityAsync(Row(after), version.ETag, TableUpdateMode.Replace, ct);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404 or 409)
        {
            throw new RowChangedException(e);
        }
        foreach (var dropped in oldNames.Where(o => newNames.All(n => n.RowKey != o.RowKey)))
            await ReleaseAsync(dropped.RowKey, before.OrganizationId, ct);
        if (version.Legacy)
        {
            await tables.Organizations.DeleteEntityAsync(Keys.LegacyOrganizationsPartition, Keys.Organization(before.OrganizationId), ETag.All, ct);
            foreach (var name in oldNames)
                await tables.Organizations.DeleteEntityAsync(Keys.LegacyOrganizationsPartition, name.RowKey, ETag.All, ct);
        }
        cache.Set(OrganizationKeys.Of(after.OrganizationId, newNames.Select(n => n.RowKey)), after, time.GetUtcNow());
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
        var isId = ids.TryParseOrganization(identifier, out _);
        var key = isId ? OrganizationKeys.Id(identifier) : OrganizationKeys.Name(Keys.OrganizationName(identifier));
        if (await cache.GetAsync(key, ct) is { } cached) return cached;

        var readAt = time.GetUtcNow();
        var organization = isId ? await ReadAsync(identifier, ct) : await FollowAsync(Keys.OrganizationName(identifier), ct);
        if (organization is not null)
            cache.Set(OrganizationKeys.Of(organization.OrganizationId, Names(organization).Select(n => n.RowKey)), organization, readAt);
        return organization;
    }

    /// <summary>The organization a name leads to: through its pointer in the new place, else through the old one.</summary>
    private async Task<Organization?> FollowAsync(string nameRowKey, CancellationToken ct) =>
        await ResolveAsync(await PointerAsync(Keys.OrganizationNamePartition(nameRowKey), nameRowKey, ct), nameRowKey, ct)
        ?? await ResolveAsync(await PointerAsync(Keys.LegacyOrganizationsPartition, nameRowKey, ct), nameRowKey, ct);

    /// <summary>The organization a pointer names, if it still claims the name (else the pointer is dangling: null).</summary>
    private async Task<Organization?> ResolveAsync(PointerEntity? pointer, string nameRowKey, CancellationToken ct) =>
        pointer is not null && await ReadAsync(pointer.Target, ct) is { } organization && Names(organization).Any(n => n.RowKey == nameRowKey)
            ? organization : null;

    /// <summary>
    /// Makes the name's pointer (new place) lead to <paramref name="organizationId"/>: adds it, or finds it already
    /// ours, or takes over a dangling one conditionally on its ETag. A name another organization claims, here or in the
    /// old partition, is a 400 already-used.
    /// </summary>
    /// <param name="claimed">Gets each pointer this call wrote, with the ETag it got.</param>
    private async Task ClaimAsync((NameField Field, string RowKey) name, string organizationId, List<PointerEntity> claimed, CancellationToken ct)
    {
        var partition = Keys.OrganizationNamePartition(name.RowKey);
        for (var attempt = 0; ; attempt++)
        {
            var pointer = await PointerAsync(partition, name.RowKey, ct);
            try
            {
                var now = time.GetUtcNow();
                var mine = Pointer(partition, name.RowKey, organizationId, now);
                if (pointer is null)
                    mine.ETag = (await tables.Organizations.AddEntityAsync(mine, ct)).Headers.ETag ?? default;
                else if (pointer.Target != organizationId)
                {
                    // Taken while its organization claims it, and while a write that claimed it may still be on its way.
                    if (now - (pointer.ClaimedAt ?? DateTimeOffset.MinValue) < NameClaimLease || await ResolveAsync(pointer, name.RowKey, ct) is not null)
                        throw AlreadyUsed(name.Field);
                    mine.ETag = (await tables.Organizations.UpdateEntityAsync(mine, pointer.ETag, TableUpdateMode.Replace, ct)).Headers.ETag ?? default;
                }
                else break;
                claimed.Add(mine);
                break;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404 && attempt < 3)
            {
                // Someone else added or took over the pointer meanwhile: look again.
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
            {
                throw new SessionException(ErrorTypes.ServerUnavailable, "The organization's names are being changed by many requests at once. Please retry.", e);
            }
        }
        var legacy = await PointerAsync(Keys.LegacyOrganizationsPartition, name.RowKey, ct);
        if (legacy is not null && legacy.Target != organizationId && await ResolveAsync(legacy, name.RowKey, ct) is not null)
            throw AlreadyUsed(name.Field);
    }

    /// <summary>Deletes a name's pointer if it still leads to <paramref name="organizationId"/> (nobody took it over).</summary>
    private async Task ReleaseAsync(string nameRowKey, string organizationId, CancellationToken ct)
    {
        var partition = Keys.OrganizationNamePartition(nameRowKey);
        if (await PointerAsync(partition, nameRowKey, ct) is { } pointer && pointer.Target == organizationId)
        {
            try { await tables.Organizations.DeleteEntityAsync(partition, nameRowKey, pointer.ETag, ct); }
            catch (RequestFailedException e) when (e.Status == 412) { } // taken over meanwhile: it is not ours to delete
        }
    }

    private static SessionException AlreadyUsed(NameField field) =>
        new(field == NameField.ExternalId ? ErrorTypes.OrganizationExternalIdAlreadyUsed : ErrorTypes.OrganizationSlugAlreadyUsed);

    private async Task<PointerEntity?> PointerAsync(string partition, string nameRowKey, CancellationToken ct)
    {
        var pointer = await tables.Organizations.GetEntityIfExistsAsync<PointerEntity>(partition, nameRowKey, cancellationToken: ct);
        return pointer.HasValue ? pointer.Value : null;
    }

    private async Task<Organization?> ReadAsync(string organizationId, CancellationToken ct) =>
        await ReadRowAsync(organizationId, ct) is { } row ? Deserialize(row) : null;

    /// <summary>The organization's row: in its partition, else (written before organizations were spread) in the old one.</summary>
    private async Task<OrganizationEntity?> ReadRowAsync(string organizationId, CancellationToken ct)
    {
        if (!ids.TryParseOrganization(organizationId, out _)) return null;
        var row = await tables.Organizations.GetEntityIfExistsAsync<OrganizationEntity>(Keys.OrganizationPartition(organizationId), Keys.Organization(organizationId), cancellationToken: ct);
        if (row.HasValue) return row.Value;
        row = await tables.Organizations.GetEntityIfExistsAsync<OrganizationEntity>(Keys.LegacyOrganizationsPartition, Keys.Organization(organizationId), cancellationToken: ct);
        return row.HasValue ? row.Value : null;
    }

    private static Organization Deserialize(OrganizationEntity row) =>
        JsonSerializer.Deserialize<Organization>(row.Payload, SessionJson.Options)! with { MemberShards = row.MemberShards };

    private static OrganizationEntity Row(Organization organization) => new()
    {
        PartitionKey = Keys.OrganizationPartition(organization.OrganizationId),
        RowKey = Keys.Organization(organization.OrganizationId),
        Payload = JsonSerializer.Serialize(organization, SessionJson.Options),
        MemberShards = organization.MemberShards,
    };

    private static PointerEntity Pointer(string partition, string rowKey, string target, DateTimeOffset claimedAt) =>
        new() { PartitionKey = partition, RowKey = rowKey, Target = target, ClaimedAt = claimedAt };
}
