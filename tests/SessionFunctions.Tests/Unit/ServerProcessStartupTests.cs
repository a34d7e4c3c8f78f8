using System.Diagnostics;

namespace SessionFunctions.Tests.Unit;

/// <summary>The real Server process, started with bad settings, stops at once with a message naming each setting.</summary>
public sealed class ServerProcessStartupTests
{
    private static async Task<(int ExitCode, string Errors)> StartServerAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SessionFunctions.Server.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await errors);
    }

    [Fact]
    public async Task Missing_settings_stop_the_process_with_exit_code_1_and_name_every_one()
    {
        var (exitCode, errors) = await StartServerAsync(new()
        {
            ["Sessions__UserInfoUrl"] = "not a url",
            ["Storage__ConnectionString"] = "UseDevelopmentStorage=true",
        });

        Assert.Equal(1, exitCode);
        Assert.StartsWith("SessionFunctions.Server cannot start:", errors);
        foreach (var setting in new[] { "Sessions__ProjectId", "Sessions__ProjectSecret", "Sessions__UserInfoUrl" })
            Assert.Contains(setting, errors);
        Assert.DoesNotContain("   at ", errors); // a message, not a stack trace
    }
}
