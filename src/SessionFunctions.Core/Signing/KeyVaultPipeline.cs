using Azure.Core;
using Azure.Core.Pipeline;
using SessionFunctions.Core.Diagnostics;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// The Azure.Core HTTP pipeline Key Vault calls go through, the same transport, retry and bearer-token policies the Key
/// Vault SDK uses (that SDK is not on our package feed). Retries are few and short because a client waits on each
/// signature: at most 3 retries, 0.5 s doubling with jitter, at most 8 s apart, 10 s per attempt.
/// </summary>
internal static class KeyVaultPipeline
{
    public static HttpPipeline Create(TokenCredential credential)
    {
        var options = new KeyVaultClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 3;
        options.Retry.Delay = TimeSpan.FromSeconds(0.5);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(8);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        options.RetryPolicy = new KeyVaultRetryPolicy(options.Retry);
        options.AddPolicy(SigningTelemetry.ThrottleObserver.Instance, HttpPipelinePosition.PerRetry); // sessions.signing.duration's "throttled"
        return HttpPipelineBuilder.Build(options, new KeyVaultBearerTokenPolicy(credential));
    }

    /// <summary>Client options for our Key Vault calls (also names this assembly in the User-Agent).</summary>
    private sealed class KeyVaultClientOptions : ClientOptions;
}
