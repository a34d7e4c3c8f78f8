namespace SessionFunctions.Core.Options;

/// <summary>Settings under <c>Storage</c>: where the tables live.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>A storage connection string (Azurite: <c>UseDevelopmentStorage=true</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table endpoint, used with a managed identity (DefaultAzureCredential) when no connection string is set.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Prepended to every table name, so several deployments or test runs can share one account.</summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>Create the tables on start-up when they are missing (on for local runs; Bicep creates them in Azure).</summary>
    public bool CreateTables { get; set; } = true;
}
