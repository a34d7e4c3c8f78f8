using System.Text.Json.Nodes;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Json;

namespace SessionFunctions.Core.Claims;

/// <summary>
/// Stytch's <c>session_custom_claims</c> rules: a key with a value is set, a key with null is removed, nested objects
/// merge recursively, the registered JWT claims and <c>https://stytch.com/…</c> keys are ignored, and the result may not
/// exceed 4 KB of JSON or <see cref="MaxDepth"/> levels of nesting.
/// </summary>
public static class CustomClaims
{
    public const int MaxBytes = 4096;
    public const int MaxDepth = 8;
    private static readonly HashSet<string> Registered = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

    public static bool IsReserved(string name) =>
        Registered.Contains(name) || name.StartsWith("https://stytch.com/", StringComparison.Ordinal);

    /// <summary>The session's claims after applying <paramref name="update"/>; neither input is modified.</summary>
    public static JsonObject Merge(JsonObject current, JsonObject? update)
    {
        var merged = (JsonObject)current.DeepClone();
        if (update is null) return merged;
        Depth(update, 1);
        foreach (var (name, value) in update)
        {
            if (IsReserved(name)) continue;
            MergeInto(merged, name, value);
        }
        if (SessionJson.Utf8Size(merged) > MaxBytes)
            throw new SessionException(ErrorTypes.CustomClaimsTooLarge);
        return merged;
    }

    private static void MergeInto(JsonObject target, string name, JsonNode? value)
    {
        if (value is null) { target.Remove(name); return; }
        if (value is JsonObject update && target[name] is JsonObject existing)
        {
            foreach (var (child, childValue) in update) MergeInto(existing, child, childValue);
            return;
        }
        target[name] = WithoutNulls(value);
    }

    // A null inside a newly set object has nothing to delete; it is dropped so the stored claims hold no nulls.
    private static JsonNode WithoutNulls(JsonNode value)
    {
        if (value is not JsonObject o) return value.DeepClone();
        var copy = new JsonObject();
        foreach (var (k, v) in o) if (v is not null) copy[k] = WithoutNulls(v);
        return copy;
    }

    private static void Depth(JsonNode? node, int depth)
    {
        if (depth > MaxDepth)
            throw new SessionException(ErrorTypes.UnableToRepresentCustomClaims, $"session_custom_claims may nest at most {MaxDepth} levels deep.");
        switch (node)
        {
            case JsonObject o: foreach (var (_, v) in o) Depth(v, depth + 1); break;
            case JsonArray a: foreach (var v in a) Depth(v, depth + 1); break;
        }
    }

    public static JsonObject Parse(string stored) => JsonNode.Parse(stored) as JsonObject ?? [];

    public static string Serialize(JsonObject claims) => claims.ToJsonString(SessionJson.Options);
}
