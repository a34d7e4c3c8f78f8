using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core;

/// <summary>Before the host takes requests: create missing tables (when configured) and load the signing keys.</summary>
internal sealed class StartupTasks(SessionTables tables, SigningKeyRing keys, IOptions<StorageOptions> storage) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (storage.Value.CreateTables) await tables.CreateIfNotExistsAsync(ct);
        await keys.RefreshAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
