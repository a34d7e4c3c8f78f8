namespace SessionFunctions.Tests.Infrastructure;

/// <summary>Paths in the repository the tests run from (for the npm tools that package.json pins).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    /// <summary>An installed npm package's folder, or a failed assertion that says how to install it.</summary>
    public static string NodeModule(params string[] path)
    {
        var full = Path.Combine([Root, "node_modules", .. path]);
        Assert.True(File.Exists(full) || Directory.Exists(full), $"{full} is missing; run 'npm ci' at the repository root (scripts/test.sh does).");
        return full;
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && Directory.Exists(Path.Combine(dir.FullName, "src")))
                return dir.FullName;
        throw new InvalidOperationException("Could not find the repository root (package.json) above " + AppContext.BaseDirectory);
    }
}
