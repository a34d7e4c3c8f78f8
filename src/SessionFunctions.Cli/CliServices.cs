using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionFunctions.Core;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Cli;

/// <summary>
/// The service's own Core, built from the service's settings: <c>appsettings.json</c> in the working directory and
/// environment variables (<c>Storage__ConnectionString</c> or <c>Storage__TableServiceUri</c> with the Azure identity,
/// <c>Storage__TablePrefix</c>, <c>Sessions__ProjectId</c>, providers...). So the import writes exactly what the API would.
/// </summary>
public static class CliServices
{
    public static ServiceProvider Build(IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? [])
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(); // no provider: the import reports for itself, and never logs a member's email
        services.AddSessionCore(configuration);
        services.AddSingleton<Import.MemberImport>();
        services.AddSingleton<Import.OrganizationImport>();
        return services.BuildServiceProvider();
    }

    /// <summary>Checks every setting (all problems at once, each naming its key) and creates missing tables when configured.</summary>
    public static async Task StartAsync(IServiceProvider services, CancellationToken ct)
    {
        _ = services.GetRequiredService<IOptions<SessionsOptions>>().Value;
        if (services.GetRequiredService<IOptions<StorageOptions>>().Value.CreateTables)
            await services.GetRequiredService<SessionTables>().CreateIfNotExistsAsync(ct);
    }
}
