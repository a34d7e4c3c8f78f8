using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>
/// A storage fault at the store seam: once armed, lets a number of table transactions ($batch requests) through and
/// then fails every following one, as a storage outage or a process killed between two writes would leave them.
/// It sits in the table clients' own Azure.Core pipeline (outside their retries), so everything else is real Azurite.
/// </summary>
public sealed class StorageFaults : HttpPipelinePolicy
{
    private volatile bool _armed, _loseNextAnswer, _singleWrites;
    private int _passing, _injected;

    public int Injected => Volatile.Read(ref _injected);

    public void FailTransactionsAfter(int passing)
    {
        Volatile.Write(ref _passing, passing);
        _armed = true;
    }

    /// <summary>
    /// Lets <paramref name="passing"/> single-row writes (insert, update, delete: anything but a read or a $batch)
    /// through, then fails every following one: a process that died between the writes of a multi-partition operation.
    /// </summary>
    public void FailSingleWritesAfter(int passing)
    {
        Volatile.Write(ref _passing, passing);
        _singleWrites = true;
        _armed = true;
    }

    public void Disarm() => _armed = _singleWrites = false;

    /// <summary>
    /// The next transaction commits, but its answer is lost on the way back (a transient network error), so the table
    /// client's retry sends it again. Only works from inside the retry loop (HttpPipelinePosition.PerRetry).
    /// </summary>
    public void LoseNextTransactionAnswer() => _loseNextAnswer = true;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Inject(message);
        ProcessNext(message, pipeline);
        LoseAnswer(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Inject(message);
        await ProcessNextAsync(message, pipeline);
        LoseAnswer(message);
    }

    private void LoseAnswer(HttpMessage message)
    {
        if (!message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) || !_loseNextAnswer) return;
        _loseNextAnswer = false;
        Interlocked.Increment(ref _injected);
        throw new System.IO.IOException("Injected: the connection closed before the answer arrived.");
    }

    private void Inject(HttpMessage message)
    {
        var batch = message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal);
        if (!_armed || (_singleWrites ? batch || message.Request.Method == RequestMethod.Get : !batch)) return;
        if (Interlocked.Decrement(ref _passing) >= 0) return;
        Interlocked.Increment(ref _injected);
        throw new RequestFailedException(503, "Injected storage fault.");
    }
}

/// <summary>A server whose table clients carry <see cref="Faults"/>.</summary>
public sealed class FaultyStorageServerFixture : ServerFixture
{
    public StorageFaults Faults { get; } = new();

    /// <summary>Inside the table clients' retry loop, so that a lost answer is retried as a real one would be.</summary>
    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton(new TablePipelinePolicy(Faults, Azure.Core.HttpPipelinePosition.PerRetry));
}
