using System.Diagnostics.CodeAnalysis;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// A Key Vault key identifier, <c>https://{vault}/keys/{name}[/{version}]</c>, split the way the Key Vault SDK's
/// <c>KeyVaultIdentifier</c> splits it: the vault (scheme and authority), the key name, and the optional version.
/// Parsing is strict (name of 1–127 letters, digits and dashes; version of 32 hex characters; no query) so a typo in
/// <c>Signing__KeyVaultKeyId</c> stops start-up instead of becoming a request to a wrong URL.
/// </summary>
public sealed record KeyVaultKeyId(Uri VaultUri, string Name, string? Version)
{
    public static KeyVaultKeyId Parse(Uri id) => TryParse(id, out var key) ? key
        : throw new FormatException($"Signing__KeyVaultKeyId must look like https://<vault>.vault.azure.net/keys/<name>[/<32-hex version>]; got '{id}'.");

    public static bool TryParse([NotNullWhen(true)] Uri? id, [NotNullWhen(true)] out KeyVaultKeyId? key)
    {
        key = null;
        if (id is not { IsAbsoluteUri: true } || id.Scheme != Uri.UriSchemeHttps && id.Scheme != Uri.UriSchemeHttp
            || id.Query.Length > 0 || id.Fragment.Length > 0 || id.UserInfo.Length > 0)
            return false;
        var segments = id.AbsolutePath.Trim('/').Split('/');
        if (segments.Length is not (2 or 3) || segments[0] != "keys" || !IsName(segments[1])) return false;
        var version = segments.Length == 3 ? segments[2] : null;
        if (version is not null && !IsVersion(version)) return false;
        key = new KeyVaultKeyId(new Uri(id.GetLeftPart(UriPartial.Authority)), segments[1], version);
        return true;
    }

    /// <summary><c>{vault}/keys/{name}{path}?api-version={apiVersion}</c>, for example path <c>/versions</c> or <c>/{version}/sign</c>.</summary>
    public Uri Resource(string path, string apiVersion) =>
        new($"{VaultUri.GetLeftPart(UriPartial.Authority)}/keys/{Name}{path}?api-version={apiVersion}");

    private static bool IsName(string s) => s.Length is >= 1 and <= 127 && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool IsVersion(string s) => s.Length == 32 && s.All(char.IsAsciiHexDigit);
}
