using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>
/// An Azurite Table service of a test's own (own port, own data folder), which the test may stop and start again.
/// Uses the Azurite that package.json pins (scripts/test.sh installs it).
/// </summary>
public sealed class DedicatedAzurite : IAsyncDisposable
{
    private readonly string _location = Path.Combine(Path.GetTempPath(), "sessionfunctions-azurite", Guid.NewGuid().ToString("N"));
    private Process? _process;

    public int Port { get; } = FreePort();

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + $"TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    public async Task StartAsync()
    {
        var binary = Repository.NodeModule(".bin", "azurite-table");
        Directory.CreateDirectory(_location);
        _process = Process.Start(new ProcessStartInfo(binary,
            ["--silent", "--location", _location, "--tableHost", "127.0.0.1", "--tablePort", Port.ToString(), "--skipApiVersionCheck", "--disableTelemetry"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        })!;
        for (var i = 0; i < 150; i++)
        {
            if (await AcceptsAsync()) return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException("The dedicated Azurite did not start: " + await _process.StandardError.ReadToEndAsync());
    }

    /// <summary>Stops Azurite with Ctrl+C (SIGINT), which makes it save what it acknowledged. (Azurite 3.37 loses its
    /// unsaved data on SIGTERM.)</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        _process.Dispose();
        _process = null;
        Assert.False(await AcceptsAsync(), "Azurite still accepts connections after it was stopped");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        await Task.Yield();
        try { Directory.Delete(_location, recursive: true); } catch (IOException) { }
    }

    private async Task<bool> AcceptsAsync()
    {
        using var client = new TcpClient();
        try { await client.ConnectAsync(IPAddress.Loopback, Port); return true; }
        catch (SocketException) { return false; }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
