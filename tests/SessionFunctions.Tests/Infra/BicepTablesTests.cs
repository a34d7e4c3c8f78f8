using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Storage;
using SessionFunctions.Tests.Infrastructure;
using SessionFunctions.Tests.KeyVault;

namespace SessionFunctions.Tests.Infra;

/// <summary>
/// In Azure the app does not create its tables (Storage__CreateTables=false; Bicep declares them), so a table the code
/// uses and Bicep lacks would fail only after deployment. This compares the two lists.
/// </summary>
public sealed partial class BicepTablesTests
{
    [GeneratedRegex(@"var tableNames = \[(?<body>[^\]]*)\]")]
    private static partial Regex TableNames();

    [GeneratedRegex(@"'\$\{tablePrefix\}(?<name>[A-Za-z0-9]+)'")]
    private static partial Regex PrefixedName();

    [Fact]
    public void Bicep_declares_exactly_the_tables_the_service_uses()
    {
        var bicep = File.ReadAllText(Path.Combine(Repository.Root, "infra", "main.bicep"));
        var body = TableNames().Match(bicep);
        Assert.True(body.Success, "infra/main.bicep no longer has a 'var tableNames = [...]' list");
        var declared = PrefixedName().Matches(body.Groups["body"].Value).Select(m => m.Groups["name"].Value).Order();

        var tables = new SessionTables(Options.Create(new StorageOptions { ConnectionString = TestStorage.ConnectionString }), new FakeTokenCredential(), []);

        Assert.Equal(tables.All.Select(t => t.Name).Order(), declared);
    }
}
