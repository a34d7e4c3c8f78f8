using System.CommandLine;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionFunctions.Cli.Import;

namespace SessionFunctions.Cli;

/// <summary>
/// <c>import organizations FILE</c> and <c>import members FILE [--organization ID]</c>, each with <c>--dry-run</c> (check
/// every row, write nothing) and <c>--format csv|jsonl|auth0</c> (default: by the file's extension, .csv or JSON lines).
/// </summary>
public static class ImportCommands
{
    public static RootCommand Root(Func<ServiceProvider> services, TextWriter output, TextWriter errors, bool terminal)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "CSV or JSON lines (one object a line)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "check every row, write nothing" };
        var format = new Option<string?>("--format") { Description = "csv, jsonl or auth0 (Auth0's user export, JSON lines; needs --organization)" };
        var organization = new Option<string?>("--organization") { Description = "the organization (id, slug or external id) of rows without organization_id" };

        var organizations = new Command("organizations", "create organizations (organization_name, organization_slug, organization_external_id, trusted_metadata, email settings)")
            { file, dryRun, format };
        organizations.SetAction((result, ct) => RunAsync(services, output, errors, terminal, "organizations", result.GetValue(file)!, result.GetValue(format),
            result.GetValue(dryRun), (sp, rows, report) => sp.GetRequiredService<Import.OrganizationImport>().RunAsync(rows, result.GetValue(dryRun), report, ct), ct));

        var members = new Command("members", "create members (organization_id, email_address, name, external_id, roles, trusted_metadata)")
            { file, dryRun, format, organization };
        members.SetAction((result, ct) => RunAsync(services, output, errors, terminal, "members", result.GetValue(file)!, result.GetValue(format),
            result.GetValue(dryRun), (sp, rows, report) => sp.GetRequiredService<MemberImport>().RunAsync(rows, result.GetValue(organization), result.GetValue(dryRun), report, ct), ct));

        return new RootCommand("SessionFunctions command-line tools") { new Command("import", "import a directory into the service's tables") { organizations, members } };
    }

    private static async Task<int> RunAsync(Func<ServiceProvider> build, TextWriter output, TextWriter errors, bool terminal, string what, FileInfo file,
        string? format, bool dryRun, Func<IServiceProvider, ImportRows, ImportReport, Task> import, CancellationToken ct)
    {
        if (!file.Exists) { errors.WriteLine($"{file.FullName}: no such file"); return 2; }
        ImportFormat detected;
        try { detected = ImportRows.Detect(file.FullName, format); }
        catch (ArgumentException e) { errors.WriteLine(e.Message); return 2; }
        await using var services = build();
        try { await CliServices.StartAsync(services, ct); }
        catch (OptionsValidationException e) { errors.WriteLine("Settings: " + string.Join(" ", e.Failures)); return 2; }

        var rows = new ImportRows(file.FullName, detected);
        var report = new ImportReport(output, errors, dryRun);
        var length = Math.Max(rows.Length, 1);
        try
        {
            await report.WithProgressAsync($"import {what}", () => (double)rows.Position / length, async () => { await import(services, rows, report); return 0; }, terminal);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or HttpRequestException)
        {
            // Status and code only: a storage error's message may quote the rows it was sending.
            report.Summary($"import {what} stopped");
            errors.WriteLine($"Storage failed ({(e as RequestFailedException)?.Status.ToString() ?? e.GetType().Name} {(e as RequestFailedException)?.ErrorCode}): " +
                "the import stopped. Every row written is whole; run the same command again to finish.");
            return 2;
        }
        report.Summary($"import {what}{(dryRun ? " (dry run)" : "")}");
        return report.ExitCode;
    }
}
