using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core;

/// <summary>
/// Before the host takes requests: create missing tables (when configured) and load the signing keys.
/// The host builds every hosted service before it validates options, so this one builds nothing until it starts:
/// a bad setting is reported (all of them at once) before any table client or key file exists.
/// </summary>
internal sealed class StartupTasks(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (services.GetRequiredService<IOptions<StorageOptions>>().Value.CreateTables)
            await services.GetRequiredService<SessionTables>().CreateIfNotExistsAsync(ct);
        await services.GetRequiredService<SigningKeyRing>().RefreshAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
