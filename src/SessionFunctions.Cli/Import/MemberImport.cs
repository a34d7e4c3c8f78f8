using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Azure.Data.Tables;
using SessionFunctions.Api.Endpoints;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Cli.Import;

/// <summary>
/// <c>import members FILE [--organization ID]</c>. Each row goes through the API's own rules and member-building code
/// (<see cref="CreateMember"/>: email, name, external id, roles, metadata); members are written in table batch
/// transactions of up to 100 rows of one partition, several partitions at once (in a sharded organization, the batch's
/// external ids are claimed first in one transaction of the organization's own partition, as
/// <see cref="MemberStore.CreateAsync"/> claims each). A batch is all or nothing, so a member is either fully in or
/// absent whenever the import is killed (a claim left without its member is taken over by the re-run); a batch that clashes with what is stored (a re-run, an
/// email twice in the file) is written again member by member through <see cref="MemberStore.CreateAsync"/>, where an
/// email already in the organization is reported as already there.
/// </summary>
public sealed class MemberImport(OrganizationStore organizations, MemberStore members, CreateMember creator)
{
    private const int MaxEntitiesPerBatch = 100;
    private const int MaxBufferedRows = 20_000;
    public int Parallelism { get; init; } = 8;

    /// <summary>A checked row: its member, the rows that add it in its partition, and its external id to claim first (or null).</summary>
    private sealed record Pending(long Line, Member Member, string EmailId, List<TableTransactionAction> Rows, TableTransactionAction? Claim);

    /// <summary>
    /// Imports the rows. When storage fails under it (a write that is neither written nor refused by a rule, after the
    /// storage client's own retries), every writer stops and that failure is thrown: whatever was written is whole, and
    /// running the same file again finishes the work.
    /// </summary>
    public async Task RunAsync(ImportRows rows, string? organization, bool dryRun, ImportReport report, CancellationToken cancel)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var ct = failed.Token;
        var batches = Channel.CreateBounded<List<Pending>>(new BoundedChannelOptions(Parallelism * 2) { SingleWriter = true });
        var writers = Enumerable.Range(0, Parallelism).Select(_ => Task.Run(async () =>
        {
            try { await foreach (var batch in batches.Reader.ReadAllAsync(ct)) await WriteAsync(batch, report, ct); }
            catch (OperationCanceledException) when (ct.IsCancellationRequested && !cancel.IsCancellationRequested) { } // another writer failed
            catch { failed.Cancel(); throw; } // stops the reader and the other writers (they would wait on each other for ever)
        }, CancellationToken.None)).ToList();

        var buffers = new Dictionary<string, List<Pending>>(StringComparer.Ordinal);
        var buffered = 0;
        try
        {
            await foreach (var row in rows.ReadAsync(ct))
            {
                report.RowRead();
                var pending = await PrepareAsync(row, organization, report, ct);
                if (pending is null) continue;
                if (dryRun) { report.RowCreated(); continue; }
                var partition = pending.Rows[0].Entity.PartitionKey;
                if (!buffers.TryGetValue(partition, out var buffer)) buffers[partition] = buffer = [];
                if (buffer.Sum(p => p.Rows.Count) + pending.Rows.Count > MaxEntitiesPerBatch)
                {
                    buffered -= buffer.Count;
                    await batches.Writer.WriteAsync(buffer, ct);
                    buffers[partition] = buffer = [];
                }
                buffer.Add(pending);
                if (++buffered > MaxBufferedRows) // many organizations interleaved: keep memory flat
                {
                    foreach (var full in buffers.Values) await batches.Writer.WriteAsync(full, ct);
                    buffers.Clear();
                    buffered = 0;
                }
            }
            foreach (var rest in buffers.Values.Where(b => b.Count > 0)) await batches.Writer.WriteAsync(rest, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && !cancel.IsCancellationRequested) { } // a writer failed: thrown below
        catch { failed.Cancel(); throw; }
        finally
        {
            batches.Writer.TryComplete();
        }
        await Task.WhenAll(writers);
    }

    /// <summary>The row checked by the API's rules and built into a member (nothing written yet), or null when it is bad.</summary>
    private async Task<Pending?> PrepareAsync(ImportRow row, string? organization, ImportReport report, CancellationToken ct)
    {
        if (row.Fields is not { } fields) { report.RowBad(row.Line, row.Error ?? "unreadable"); return null; }
        try
        {
            // A row is the API's create request plus the organization it goes to.
            var organizationId = fields.TryGetPropertyValue("organization_id", out var named) ? named?.GetValue<string>() : organization;
            fields.Remove("organization_id");
            var record = fields.Deserialize<CreateMemberBody>(SessionJson.Options)!;
            if (string.IsNullOrEmpty(organizationId)) { report.RowBad(row.Line, "no organization_id (give the column or --organization)"); return null; }
            if (string.IsNullOrEmpty(record.EmailAddress)) { report.RowBad(row.Line, "email_address is missing"); return null; }
            var draft = creator.Check(new CreateMemberCommand(organizationId, record.EmailAddress, record.Name, record.Roles, record.ExternalId,
                record.TrustedMetadata, record.UntrustedMetadata, record.CreateMemberAsPending ?? false, record.IsBreakglass ?? false));
            var resolved = await organizations.GetAsync(organizationId, ct); // cached after the first row of each organization
            var (member, emailId) = creator.Build(resolved, draft, emailVerified: false);
            var (rows, claim) = MemberStore.Additions(member, emailId);
            return new Pending(row.Line, member, emailId, rows, claim);
        }
        catch (SessionException e) { report.RowBad(row.Line, $"{e.Type.Value}: {e.Message}"); }
        catch (JsonException e) { report.RowBad(row.Line, "a field has the wrong type: " + e.Path); }
        catch (InvalidOperationException) { report.RowBad(row.Line, "organization_id must be a string"); }
        return null;
    }

    private async Task WriteAsync(List<Pending> batch, ImportReport report, CancellationToken ct)
    {
        try
        {
            // As CreateAsync does for each, in two transactions for them all: the external ids their organization's
            // partition holds for members of its shards (at most 50: a member adds 2 rows or more), then the members.
            // Killed in between, the claims stay without members, and the re-run takes them over (same emails).
            if (batch.Where(p => p.Claim is not null).Select(p => p.Claim!).ToList() is { Count: > 0 } claims)
                await members.AddAllAsync(claims, ct);
            await members.AddAllAsync([.. batch.SelectMany(p => p.Rows)], ct);
            foreach (var _ in batch) report.RowCreated();
            return;
        }
        catch (TableTransactionFailedException) { } // a clash somewhere in the batch: write one by one below
        foreach (var pending in batch)
        {
            try
            {
                await members.CreateAsync(pending.Member, pending.EmailId, ct);
                report.RowCreated();
            }
            catch (SessionException e) when (e.Type == ErrorTypes.DuplicateMemberEmail) { report.RowAlreadyThere(); }
            catch (SessionException e)
            {
                // In a sharded organization the external id is claimed before the member's rows: held by this same
                // member (same email, same external id), the row is already there.
                if (e.Type == ErrorTypes.DuplicateMemberExternalId && await HeldBySameMemberAsync(pending.Member, ct)) report.RowAlreadyThere();
                else report.RowBad(pending.Line, $"{e.Type.Value}: {e.Message}");
            }
        }
    }

    private async Task<bool> HeldBySameMemberAsync(Member member, CancellationToken ct) =>
        await members.FindByEmailAsync(await organizations.GetAsync(member.OrganizationId, ct), EmailAddress.Normalize(member.EmailAddress), ct) is { } stored
        && stored.Member.Status != MemberStatus.Deleted && stored.Member.ExternalId == member.ExternalId;
}
