using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SessionFunctions.Benchmarks;

public static class Program
{
    // Examples:
    //   dotnet run -c Release --project bench/SessionFunctions.Benchmarks -- --filter '*'
    //   dotnet run -c Release --project bench/SessionFunctions.Benchmarks -- --filter '*Jwt*'
    //   dotnet run -c Release --project bench/SessionFunctions.Benchmarks -- --list flat
    //   add --out-of-process to build and run each benchmark in its own generated project (the BenchmarkDotNet default;
    //   slower, and it builds the src projects into their own bin/obj folders)
    public static int Main(string[] args)
    {
        var outOfProcess = args.Contains("--out-of-process");
        args = [.. args.Where(a => a != "--out-of-process")];
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchConfig.Create(inProcess: !outOfProcess));
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}

/// <summary>
/// A short job so the whole suite finishes in minutes on 2 cores: 1 launch, 3 warm-up and 5 measured iterations
/// (BenchmarkDotNet still picks the invocation count per iteration so each iteration runs long enough to time).
/// </summary>
public static class BenchConfig
{
    public static IConfig Create(bool inProcess)
    {
        var job = Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(5).WithId("Short");
        if (inProcess) job = job.WithToolchain(InProcessEmitToolchain.Instance);
        return DefaultConfig.Instance
        .AddJob(job)
        .AddDiagnoser(MemoryDiagnoser.Default)
        .WithOptions(ConfigOptions.JoinSummary);
    }
}
