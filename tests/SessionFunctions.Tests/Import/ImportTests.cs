using System.Diagnostics;
using System.Text.Json;
using SessionFunctions.Cli;
using SessionFunctions.Cli.Import;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Import;

/// <summary>The directory import (src/SessionFunctions.Cli), against the same tables a real Server on Azurite serves.</summary>
public sealed class ImportTests(ServerFixture server) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sessionfunctions-import-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Dictionary<string, string?> Settings => new()
    {
        ["Storage:ConnectionString"] = TestStorage.ConnectionString,
        ["Storage:TablePrefix"] = server.TablePrefix,
        ["Sessions:ProjectId"] = server.ProjectId,
        ["Sessions:ProjectSecret"] = server.Secret,
        ["Sessions:UserInfoUrl"] = server.UserInfo.UserInfoUrl,
    };

    private sealed record Run(int ExitCode, string Output, string Errors);

    private Task<Run> ImportAsync(params string[] args) => ImportWithAsync(Settings, args);

    private static async Task<Run> ImportWithAsync(Dictionary<string, string?> settings, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await ImportCommands.Root(() => CliServices.Build(settings), output, errors, terminal: false).Parse(["import", .. args]).InvokeAsync();
        return new Run(code, output.ToString(), errors.ToString());
    }

    private string File(string name, params string[] lines)
    {
        var path = Path.Combine(_directory, name);
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    private static string Slug() => "imp-" + Guid.NewGuid().ToString("N")[..10];

    private async Task<JsonElement> MemberAsync(string organization, string email) =>
        (await server.GetAsync($"/v1/b2b/organizations/{organization}/member?email_address={Uri.EscapeDataString(email)}")).AssertOk().Json.GetProperty("member");

    [Fact]
    public async Task Organizations_then_members_from_csv_are_created_as_the_api_would_and_a_rerun_finds_every_row_already_there()
    {
        var (acme, globex) = (Slug(), Slug());
        var organizations = File("orgs.jsonl",
            $$"""{"organization_name": "Acme", "organization_slug": "{{acme}}", "email_jit_provisioning": "RESTRICTED", "email_allowed_domains": ["acme.example"]}""",
            $$"""{"organization_name": "Globex", "organization_slug": "{{globex}}", "organization_external_id": "{{globex}}-ext", "trusted_metadata": {"tier": "gold"} }""");
        var members = File("members.csv",
            "organization_id,email_address,name,roles,external_id,trusted_metadata",
            $"{acme},Ada@Acme.example,Ada,stytch_admin,ada-1,",
            $"{acme},bob@acme.example,Bob,,,\"{{\"\"team\"\":\"\"blue\"\"}}\"",
            $"{globex}-ext,ada@acme.example,Ada G,,,");
        server.RememberEmail("ada@acme.example");
        server.RememberEmail("bob@acme.example");

        var first = await ImportAsync("organizations", organizations);
        var second = await ImportAsync("members", members);

        Assert.Equal((0, ""), (first.ExitCode, first.Errors));
        Assert.Contains("created 2, already there 0, bad 0", first.Output);
        Assert.Equal((0, ""), (second.ExitCode, second.Errors));
        Assert.Contains("created 3, already there 0, bad 0", second.Output);
        var organization = (await server.GetAsync("/v1/b2b/organizations/" + acme)).AssertOk().Json.GetProperty("organization");
        Assert.Equal("RESTRICTED", organization.GetProperty("email_jit_provisioning").GetString());
        var ada = await MemberAsync(acme, "ada@acme.example");
        Assert.Equal("Ada", ada.GetProperty("name").GetString());
        Assert.Equal("ada-1", ada.GetProperty("external_id").GetString());
        Assert.Equal(["stytch_member", "stytch_admin"], ada.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("role_id").GetString()));
        Assert.Equal("blue", (await MemberAsync(acme, "bob@acme.example")).GetProperty("trusted_metadata").GetProperty("team").GetString());
        Assert.Equal("Ada G", (await MemberAsync(globex, "ada@acme.example")).GetProperty("name").GetString());
        (await server.MigrateAsync(acme, "ada@acme.example")).AssertOk(); // imported members migrate like any other

        var rows = await server.AllRowsAsync();
        var again = (await ImportAsync("organizations", organizations), await ImportAsync("members", members));

        Assert.Contains("created 0, already there 2, bad 0", again.Item1.Output);
        Assert.Contains("created 0, already there 3, bad 0", again.Item2.Output);
        Assert.Equal((0, 0), (again.Item1.ExitCode, again.Item2.ExitCode));
        Assert.Equal(rows.Order(), (await server.AllRowsAsync()).Order());
    }

    [Fact]
    public async Task Bad_rows_are_reported_by_line_and_reason_without_stopping_the_rest_and_the_exit_code_says_so()
    {
        var organization = await server.NewOrganizationAsync(Slug());
        var members = File("members.jsonl",
            """{"email_address": "good1@corp.example"}""",
            """{"email_address": "not-an-email"}""",
            "this is not json",
            "",
            """{"email_address": "good2@corp.example", "roles": "admin"}""",
            """{"email_address": "good3@corp.example", "organization_id": "no-such-organization"}""",
            """{"email_address": "good4@corp.example", "name": "Four"}""");

        var run = await ImportAsync("members", members, "--organization", organization);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("created 2, already there 0, bad 4", run.Output);
        var lines = run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["line 2: invalid_email", "line 3: not JSON", "line 5: a field has the wrong type", "line 6: organization_not_found"],
            lines.Select(l => l[..l.IndexOf(':', l.IndexOf(':') + 1)]).Order());
        Assert.DoesNotContain("corp.example", run.Errors + run.Output); // members' emails never printed
        Assert.Equal("Four", (await MemberAsync(organization, "good4@corp.example")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_bad_csv_row_is_reported_at_the_line_it_starts_on_even_when_its_cells_span_lines()
    {
        var organization = await server.NewOrganizationAsync(Slug());
        var members = File("members.csv",
            "email_address,name,trusted_metadata",
            "first@corp.example,Ada,\"{\"\"team\"\":",
            "\"\"blue\"\"}\"",
            "not-an-email,Bad,\"{\"\"a\"\":",
            "1}\"",
            "third@corp.example,Third,{not json}",
            "fourth@corp.example,Fourth,");
        server.RememberEmail("first@corp.example");

        var run = await ImportAsync("members", members, "--organization", organization);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("created 2, already there 0, bad 2", run.Output);
        var lines = run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(':', l.IndexOf(':') + 1)]).Order();
        Assert.Equal(["line 4: invalid_email", "line 6: a cell is not JSON"], lines); // where each row starts
        Assert.Equal("blue", (await MemberAsync(organization, "first@corp.example")).GetProperty("trusted_metadata").GetProperty("team").GetString());
    }

    [Fact]
    public async Task When_storage_fails_under_it_the_import_stops_with_exit_code_2_and_says_to_run_it_again()
    {
        // Its own tables: the members table is dropped under the import, so every write fails (404, table not found).
        var prefix = TestStorage.NewTablePrefix();
        var settings = new Dictionary<string, string?>(Settings) { ["Storage:TablePrefix"] = prefix };
        var slug = Slug();
        Assert.Equal(0, (await ImportWithAsync(settings, "organizations", File("org.jsonl", $$"""{"organization_name": "Failing", "organization_slug": "{{slug}}"}"""))).ExitCode);
        var members = File("members.jsonl", [.. Enumerable.Range(0, 3_000).Select(i => $$"""{"email_address": "fail{{i}}@corp.example"}""")]);
        var service = new Azure.Data.Tables.TableServiceClient(TestStorage.ConnectionString);
        await service.DeleteTableAsync(prefix + "Members");
        settings["Storage:CreateTables"] = "false";

        var run = await ImportWithAsync(settings, "members", members, "--organization", slug).WaitAsync(TimeSpan.FromMinutes(3)); // no hang when every writer fails

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("run the same command again", run.Errors);
        Assert.DoesNotContain("corp.example", run.Errors + run.Output);
        foreach (var table in new[] { "Organizations", "SessionExpiry", "SigningKeys", "OrganizationChanges" })
            await service.DeleteTableAsync(prefix + table);
    }

    [Fact]
    public async Task An_auth0_user_export_becomes_members_of_the_given_organization()
    {
        var organization = await server.NewOrganizationAsync(Slug());
        var export = File("auth0.json",
            """{"user_id": "auth0|5f7c8ec7c33c6c004bbafe82", "email": "grace@corp.example", "email_verified": true, "name": "Grace Hopper", "app_metadata": {"plan": "pro"}, "user_metadata": {"theme": "dark"}}""",
            """{"user_id": "google-oauth2|1234", "email": "linus@corp.example", "name": "Linus"}""");
        server.RememberEmail("grace@corp.example");

        var run = await ImportAsync("members", export, "--format", "auth0", "--organization", organization);

        Assert.Equal(0, run.ExitCode);
        var grace = await MemberAsync(organization, "grace@corp.example");
        Assert.Equal("Grace Hopper", grace.GetProperty("name").GetString());
        Assert.Equal("auth0|5f7c8ec7c33c6c004bbafe82", grace.GetProperty("external_id").GetString());
        Assert.Equal("pro", grace.GetProperty("trusted_metadata").GetProperty("plan").GetString());
        Assert.Equal("dark", grace.GetProperty("untrusted_metadata").GetProperty("theme").GetString());
    }

    [Fact]
    public async Task A_dry_run_checks_every_row_and_writes_nothing()
    {
        var organization = await server.NewOrganizationAsync(Slug());
        var members = File("dry.jsonl", """{"email_address": "dry@corp.example"}""", """{"email_address": "bad"}""");
        var rows = await server.AllRowsAsync();

        var run = await ImportAsync("members", members, "--organization", organization, "--dry-run");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("would create 1, already there 0, bad 1", run.Output);
        Assert.Equal(rows.Order(), (await server.AllRowsAsync()).Order());
    }

    [Fact]
    public async Task Killed_mid_run_and_run_again_it_finishes_with_every_member_whole()
    {
        const int Members = 12_000;
        var organization = await server.NewOrganizationAsync(Slug());
        var path = Path.Combine(_directory, "many.jsonl");
        await System.IO.File.WriteAllLinesAsync(path, Enumerable.Range(0, Members).Select(i => $$"""{"email_address": "user{{i}}@corp.example", "external_id": "ext-{{i}}"}"""));

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { typeof(ImportCommands).Assembly.Location, "import", "members", path, "--organization", organization }) start.ArgumentList.Add(arg);
        foreach (var (key, value) in Settings) start.Environment[key.Replace(":", "__")] = value;
        using var process = Process.Start(start)!;
        var deadline = Stopwatch.StartNew();
        while (await CountAsync(organization, "member|") == 0 && deadline.Elapsed < TimeSpan.FromMinutes(2) && !process.HasExited) await Task.Delay(50);
        process.Kill(entireProcessTree: true); // SIGKILL: no clean-up of any kind
        await process.WaitForExitAsync();
        await Task.Delay(TimeSpan.FromSeconds(2)); // a batch sent just before the kill may still be committing
        var (before, pointers) = await AssertEveryMemberWholeAsync(organization);
        Assert.InRange(before, 1, Members - 1); // it really was stopped part-way
        // A sharded member's external id is claimed just before its rows are written: the claims of the batches in
        // flight (8 of at most 50 members) may be left without their members, and the re-run takes those over at once.
        Assert.InRange(pointers, before, before + 8 * 50);

        var run = await ImportAsync("members", path, "--organization", organization);

        Assert.True(run.ExitCode == 0 && run.Output.Contains($"created {Members - before}, already there {before}, bad 0"), $"{before} before: {run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]} {run.Errors}");
        Assert.Equal((Members, Members), await AssertEveryMemberWholeAsync(organization));
    }

    /// <summary>
    /// Reads every row the organization has and checks each member is whole: its member row and its email row (same
    /// columns) or neither, and its external-id pointer. Returns how many members and how many pointers there are.
    /// </summary>
    private async Task<(int Members, int Pointers)> AssertEveryMemberWholeAsync(string organizationId)
    {
        var table = new Azure.Data.Tables.TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        var rows = new List<Azure.Data.Tables.TableEntity>();
        // Every partition the organization may use, one by one (the list organization delete uses too).
        foreach (var partition in SessionFunctions.Core.Storage.Keys.OrganizationPartitions(organizationId))
            await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {partition}")))
                rows.Add(row);
        var members = rows.Where(r => r.RowKey.StartsWith("member|", StringComparison.Ordinal)).ToList();
        var emails = rows.Where(r => r.RowKey.StartsWith("email|", StringComparison.Ordinal)).ToList();
        var pointers = rows.Where(r => r.RowKey.StartsWith("extid|", StringComparison.Ordinal)).ToDictionary(r => r.RowKey);
        Assert.Equal(members.Select(m => (m.GetString("MemberId"), m.GetString("Payload"))).Order(), emails.Select(e => (e.GetString("MemberId"), e.GetString("Payload"))).Order());
        var heldByEmail = new List<Azure.Data.Tables.TableEntity>();
        foreach (var (member, email) in members.OrderBy(m => m.GetString("MemberId")).Zip(emails.OrderBy(e => e.GetString("MemberId"))))
        {
            // Its pointer names it, or names the email row it holds (claimed by a create of the same email that died).
            var externalId = JsonDocument.Parse(member.GetString("Payload")).RootElement.GetProperty("external_id").GetString()!;
            var pointer = pointers[SessionFunctions.Core.Storage.Keys.MemberExternalId(externalId)];
            Assert.True(pointer.GetString("Target") == member.GetString("MemberId") || pointer.GetString("Email") == email.RowKey, $"pointer of {externalId}");
            if (pointer.GetString("Target") != member.GetString("MemberId")) heldByEmail.Add(member);
        }
        foreach (var member in heldByEmail.Concat(members.Take(5))) // and the API finds them by external id
        {
            var externalId = JsonDocument.Parse(member.GetString("Payload")).RootElement.GetProperty("external_id").GetString()!;
            var found = (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={Uri.EscapeDataString(externalId)}")).AssertOk();
            Assert.Equal(member.GetString("MemberId"), found.Json.GetProperty("member").GetProperty("member_id").GetString());
        }
        return (members.Count, rows.Count(r => r.RowKey.StartsWith("extid|", StringComparison.Ordinal)));
    }

    private async Task<int> CountAsync(string organizationId, string rowPrefix)
    {
        var table = new Azure.Data.Tables.TableServiceClient(TestStorage.ConnectionString).GetTableClient(server.TablePrefix + "Members");
        var count = 0;
        foreach (var partition in SessionFunctions.Core.Storage.Keys.OrganizationPartitions(organizationId))
        {
            var filter = Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {rowPrefix} and RowKey lt {rowPrefix[..^1] + "}"}");
            await foreach (var _ in table.QueryAsync<Azure.Data.Tables.TableEntity>(filter, select: ["RowKey"])) count++;
        }
        return count;
    }

    [Fact]
    public async Task Without_a_terminal_progress_is_a_plain_line_every_few_seconds()
    {
        using var output = new StringWriter();
        var report = new ImportReport(output, TextWriter.Null, dryRun: false) { PlainInterval = TimeSpan.FromMilliseconds(50) };
        report.RowRead();

        await report.WithProgressAsync("import members", () => 0.5, async () => { await Task.Delay(400); return 0; }, terminal: false);

        Assert.Contains("import members: 1 rows", output.ToString());
        Assert.Contains("50% of the file, about", output.ToString());
    }
}
