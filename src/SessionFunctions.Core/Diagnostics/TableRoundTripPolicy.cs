using Azure.Core;
using Azure.Core.Pipeline;

namespace SessionFunctions.Core.Diagnostics;

/// <summary>Counts every HTTP attempt the table client makes (placed per retry, so a retried request counts twice).</summary>
internal sealed class TableRoundTripPolicy : HttpPipelinePolicy
{
    public static readonly TableRoundTripPolicy Instance = new();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        RequestCosts.AddTableRoundTrip();
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        RequestCosts.AddTableRoundTrip();
        return ProcessNextAsync(message, pipeline);
    }
}
