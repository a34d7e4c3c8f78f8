using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace SessionFunctions.Core.Json;

/// <summary>
/// Reads free-form JSON objects (custom claims, metadata) as JSON defines them: names are case-sensitive, so
/// <c>{"a":1,"A":2}</c> holds two names, and a name given twice in any object, however deep, is a
/// <see cref="JsonException"/> (a 400 <c>bad_request</c>). Without it, the Web defaults' case-insensitive names
/// would fold those keys together and throw an <see cref="ArgumentException"/> (a 500) on first use.
/// </summary>
internal sealed class CaseSensitiveJsonObjectConverter : JsonConverter<JsonObject>
{
    private static readonly JsonNodeOptions CaseSensitive = new() { PropertyNameCaseInsensitive = false };

    public override JsonObject Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException(); // the serializer names the field
        var element = JsonElement.ParseValue(ref reader);
        RefuseDuplicateNames(element);
        return JsonObject.Create(element, CaseSensitive)!;
    }

    public override void Write(Utf8JsonWriter writer, JsonObject value, JsonSerializerOptions options) => value.WriteTo(writer, options);

    private static void RefuseDuplicateNames(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) RefuseDuplicateNames(item);
        if (element.ValueKind != JsonValueKind.Object) return;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!names.Add(property.Name)) throw new JsonException("Duplicate property name in a JSON object.");
            RefuseDuplicateNames(property.Value);
        }
    }
}
