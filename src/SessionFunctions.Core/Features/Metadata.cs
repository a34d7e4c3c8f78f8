using System.Text.Json.Nodes;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Json;

namespace SessionFunctions.Core.Features;

/// <summary><c>trusted_metadata</c> / <c>untrusted_metadata</c>: any JSON object up to 4 KB.</summary>
internal static class Metadata
{
    public const int MaxBytes = 4096;

    public static JsonObject Validate(JsonObject? metadata) =>
        metadata is null ? []
        : SessionJson.Utf8Size(metadata) <= MaxBytes ? metadata
        : throw new SessionException(ErrorTypes.MetadataTooLarge);
}
