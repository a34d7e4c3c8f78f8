using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Host;

/// <summary>
/// The Server, in process, on the host's storage and tables, with a clock <see cref="MinutesAgo"/> in the past: sessions
/// it makes for 5 minutes are already expired in the host's (real) time, so the host's own sweep must remove them.
/// Nothing is known here of how the sweep plans or queues its work.
/// </summary>
public sealed class EarlierServer(string storage, string projectId, string secret) : ServerFixture
{
    public const int MinutesAgo = 10;

    public override string ProjectId { get; } = projectId;
    public override string Secret { get; } = secret;
    protected override string StorageConnectionString => storage;

    public static async Task<EarlierServer> StartAsync(string storage, string tablePrefix, string projectId, string secret)
    {
        var server = new EarlierServer(storage, projectId, secret) { TablePrefix = tablePrefix };
        await server.InitializeAsync();
        return server;
    }

    /// <summary>Stops it, leaving the tables to the host (a fixture's own DisposeAsync deletes its tables).</summary>
    public async Task StopAsync()
    {
        AssertNoSecretInLogs();
        await App.StopAsync();
        await App.DisposeAsync();
        await UserInfo.DisposeAsync();
        Client.Dispose();
        Anonymous.Dispose();
        try { Directory.Delete(WorkDirectory, recursive: true); } catch (IOException) { }
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-MinutesAgo)));
}
