using Azure.Core;
using Azure.Core.Pipeline;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Azure.Core's retry policy (retries 408, 429, 500, 502, 503, 504 and network failures, exponential delays with
/// jitter, honouring <c>Retry-After</c>, <c>retry-after-ms</c> and <c>x-ms-retry-after-ms</c>) with one bound added: Azure.Core
/// waits as long as <c>Retry-After</c> says, even past <see cref="RetryOptions.MaxDelay"/>. A caller is waiting on
/// every signature, so when the vault asks for a longer pause than <see cref="RetryOptions.MaxDelay"/> we give up at once
/// and answer 503, which the client may retry. Total time then stays below
/// (<see cref="RetryOptions.MaxRetries"/> + 1) × <see cref="RetryOptions.NetworkTimeout"/> + <see cref="RetryOptions.MaxRetries"/> × <see cref="RetryOptions.MaxDelay"/>.
/// </summary>
internal sealed class KeyVaultRetryPolicy : RetryPolicy
{
    private readonly DelayStrategy _delays;
    private readonly TimeSpan _maxDelay;

    public KeyVaultRetryPolicy(RetryOptions retry) : this(retry, DelayStrategy.CreateExponentialDelayStrategy(retry.Delay, retry.MaxDelay)) { }

    private KeyVaultRetryPolicy(RetryOptions retry, DelayStrategy delays) : base(retry.MaxRetries, delays)
    {
        _delays = delays;
        _maxDelay = retry.MaxDelay;
    }

    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        base.ShouldRetry(message, exception) && !AsksForTooLongAPause(message);

    protected override async ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        await base.ShouldRetryAsync(message, exception) && !AsksForTooLongAPause(message);

    // DelayStrategy.GetNextDelay is max(server's Retry-After, min(jittered backoff, MaxDelay)): above MaxDelay only
    // when the server asked for more. Reusing it keeps Azure.Core's parsing of all three Retry-After headers.
    private bool AsksForTooLongAPause(HttpMessage message) =>
        message.HasResponse && _delays.GetNextDelay(message.Response, message.ProcessingContext.RetryNumber + 1) > _maxDelay;
}
