using System.Text.Json;
using System.Text.Json.Nodes;
using SessionFunctions.Api.Endpoints;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Cli.Import;

/// <summary>
/// <c>import organizations FILE</c>: each row through the API's own use case (<see cref="CreateOrganization"/>: one
/// transaction writing the organization and its name rows), several at once. A row whose slug (or, without a slug, the
/// slug made from its name) already names an organization of the same name is already there.
/// </summary>
public sealed class OrganizationImport(CreateOrganization create, OrganizationStore organizations)
{
    public int Parallelism { get; init; } = 8;

    public async Task RunAsync(ImportRows rows, bool dryRun, ImportReport report, CancellationToken ct) =>
        await Parallel.ForEachAsync(rows.ReadAsync(ct), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (row, token) =>
        {
            report.RowRead();
            if (row.Fields is not { } fields) { report.RowBad(row.Line, row.Error ?? "unreadable"); return; }
            try
            {
                var r = fields.Deserialize<CreateOrganizationBody>(SessionJson.Options)!;
                if (string.IsNullOrWhiteSpace(r.OrganizationName)) { report.RowBad(row.Line, "organization_name is missing"); return; }
                var command = new CreateOrganizationCommand(r.OrganizationName, r.OrganizationSlug, r.OrganizationExternalId, r.OrganizationLogoUrl,
                    r.TrustedMetadata, r.RbacEmailImplicitRoleAssignments, r.EmailJitProvisioning, r.EmailAllowedDomains);
                if (dryRun) { create.Check(command); report.RowCreated(); return; }
                await create.RunAsync(command, token);
                report.RowCreated();
            }
            catch (SessionException e) when (e.Type == ErrorTypes.OrganizationSlugAlreadyUsed || e.Type == ErrorTypes.OrganizationExternalIdAlreadyUsed)
            {
                if (await AlreadyThereAsync(fields, token)) report.RowAlreadyThere();
                else report.RowBad(row.Line, $"{e.Type.Value}: {e.Message}");
            }
            catch (SessionException e) { report.RowBad(row.Line, $"{e.Type.Value}: {e.Message}"); }
            catch (JsonException e) { report.RowBad(row.Line, "a field has the wrong type: " + e.Path); }
        });

    /// <summary>The organization its slug names has the row's name (and external id, if the row gives one).</summary>
    private async Task<bool> AlreadyThereAsync(JsonObject fields, CancellationToken ct)
    {
        var r = fields.Deserialize<CreateOrganizationBody>(SessionJson.Options)!;
        var slug = r.OrganizationSlug ?? CreateOrganization.SlugFrom(r.OrganizationName!.Trim());
        return await organizations.FindAsync(slug, ct) is { } existing
            && existing.OrganizationName == r.OrganizationName!.Trim()
            && (r.OrganizationExternalId is null || AsciiCase.Fold(existing.OrganizationExternalId ?? "") == AsciiCase.Fold(r.OrganizationExternalId));
    }
}
