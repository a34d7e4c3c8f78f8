using System.Text.Json;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// One entry of Key Vault's list of key versions (<c>KeyProperties</c>): its version and the <c>attributes</c> that decide
/// whether it may sign (<c>enabled</c>, <c>nbf</c>, <c>exp</c>, all Unix seconds) and how old it is (<c>created</c>).
/// </summary>
internal sealed record KeyVaultKeyVersion(string Version, bool Enabled, DateTimeOffset Created, DateTimeOffset? NotBefore = null, DateTimeOffset? Expires = null)
{
    /// <summary>Enabled, and <paramref name="now"/> lies within its <c>nbf</c>..<c>exp</c> window.</summary>
    public bool IsUsableAt(DateTimeOffset now) => Enabled && (NotBefore is null || NotBefore <= now) && (Expires is null || now < Expires);

    /// <summary>Reads <c>{"kid": "https://{vault}/keys/{name}/{version}", "attributes": {…}}</c>; null when the kid names no version.</summary>
    internal static KeyVaultKeyVersion? Read(JsonElement item)
    {
        if (!Uri.TryCreate(item.GetProperty("kid").GetString(), UriKind.Absolute, out var kid)
            || !KeyVaultKeyId.TryParse(kid, out var id) || id.Version is null)
            return null;
        var attributes = item.GetProperty("attributes");
        return new KeyVaultKeyVersion(
            id.Version,
            attributes.TryGetProperty("enabled", out var enabled) && enabled.GetBoolean(),
            DateTimeOffset.FromUnixTimeSeconds(attributes.GetProperty("created").GetInt64()),
            Seconds(attributes, "nbf"),
            Seconds(attributes, "exp"));
    }

    private static DateTimeOffset? Seconds(JsonElement attributes, string name) =>
        attributes.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeSeconds(value.GetInt64())
            : null;
}
