namespace SessionFunctions.Tests.Infrastructure;

/// <summary>Where integration tests keep their tables: Azurite unless SESSIONFUNCTIONS_TEST_STORAGE says otherwise.</summary>
public static class TestStorage
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("SESSIONFUNCTIONS_TEST_STORAGE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";

    /// <summary>Queues (the Functions sweep's): Azurite's queue service on 127.0.0.1:10001 unless SESSIONFUNCTIONS_TEST_STORAGE says otherwise.</summary>
    public static string QueueConnectionString => ConnectionString;

    /// <summary>A table prefix no other test run uses, so every fixture starts from empty tables.</summary>
    public static string NewTablePrefix() => "t" + Guid.NewGuid().ToString("N")[..12];
}
