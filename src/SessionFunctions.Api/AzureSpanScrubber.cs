using System.Diagnostics;
using OpenTelemetry;

namespace SessionFunctions.Api;

/// <summary>
/// Takes row keys out of the Azure SDK's spans before any exporter sees them. Table Storage addresses an entity in its
/// URL (<c>/Members(PartitionKey='…',RowKey='email|{sha256}')</c>) and a query in its query string, and those keys are
/// organization ids and unsalted hashes of members' emails, slugs and external ids: anyone holding the telemetry and a
/// list of candidate addresses could re-identify members. A span keeps its name (the operation, e.g.
/// <c>TableClient.GetEntity</c>) and the URL's scheme, host and path up to the first <c>(</c>, which is the table name;
/// the query string goes whole. Registered before the exporters, so each of them sees the scrubbed span.
/// </summary>
internal sealed class AzureSpanScrubber : BaseProcessor<Activity>
{
    /// <summary>Tags that hold a request's URL in the semantic conventions Azure.Core has emitted, old and new.</summary>
    private static readonly string[] UrlTags = ["url.full", "http.url", "url.path", "url.query", "http.target"];

    public override void OnEnd(Activity activity)
    {
        if (!activity.Source.Name.StartsWith("Azure.", StringComparison.Ordinal)) return;
        foreach (var tag in UrlTags)
            if (activity.GetTagItem(tag) is string value) activity.SetTag(tag, tag == "url.query" ? null : Scrub(value));
    }

    /// <summary><c>https://acct.table.core.windows.net/Members(PartitionKey='a',RowKey='b')?$filter=…</c> → <c>https://acct.table.core.windows.net/Members</c>.</summary>
    internal static string Scrub(string url)
    {
        var end = url.IndexOfAny(['(', '?', '#']);
        return end < 0 ? url : url[..end];
    }
}
