using System.Diagnostics;
using System.Runtime.CompilerServices;
using Azure.Core;
using Azure.Core.Pipeline;
using SessionFunctions.Core.Signing;

namespace SessionFunctions.Core.Diagnostics;

/// <summary>
/// Times each JWT signature (a "Sign JWT" span) into <c>sessions.signing.duration</c>, with the signer's own name and whether the signer was
/// throttled on the way (a 429 seen by <see cref="ThrottleObserver"/> in the Key Vault pipeline, retried or not).
/// </summary>
public static class SigningTelemetry
{
    private static readonly AsyncLocal<StrongBox<bool>?> Throttled = new();

    public static async Task<byte[]> SignAsync(ISigningKeyStore store, string keyId, byte[] digest, CancellationToken ct)
    {
        using var span = Telemetry.Source.StartActivity("Sign JWT");
        span?.SetTag("signer", store.Kind);
        var throttled = Throttled.Value = new StrongBox<bool>();
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await store.SignDigestAsync(keyId, digest, ct);
        }
        finally
        {
            span?.SetTag("throttled", throttled.Value);
            Telemetry.SigningDuration.Record(Telemetry.SecondsSince(started),
                new KeyValuePair<string, object?>("signer", store.Kind), new KeyValuePair<string, object?>("throttled", throttled.Value));
            Throttled.Value = null;
        }
    }

    /// <summary>Notes a 429 (Key Vault's "slow down") against the signature being timed, if any.</summary>
    internal sealed class ThrottleObserver : HttpPipelinePolicy
    {
        public static readonly ThrottleObserver Instance = new();

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            Note(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            Note(message);
        }

        private static void Note(HttpMessage message)
        {
            if (message.HasResponse && message.Response.Status == 429 && Throttled.Value is { } box) box.Value = true;
        }
    }
}
