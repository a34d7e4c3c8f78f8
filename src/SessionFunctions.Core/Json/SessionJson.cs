using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionFunctions.Core.Json;

/// <summary>
/// The one set of JSON conventions for the wire and for stored payloads: snake_case, RFC 3339 times, no nulls. Our own
/// field names match in any case (Web defaults); names inside free-form objects (claims, metadata) are case-sensitive.
/// </summary>
public static class SessionJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>How many UTF-8 bytes <paramref name="value"/> takes as JSON: what the 4 KB limits on claims and metadata measure.</summary>
    public static int Utf8Size<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options).Length;

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            AllowDuplicateProperties = false,
            NumberHandling = JsonNumberHandling.Strict,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            MaxDepth = 32,
            // Responses are JSON for API clients, never inlined into HTML: keep '+' in emails and certificates readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new Rfc3339Converter());
        options.Converters.Add(new CaseSensitiveJsonObjectConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
