namespace SessionFunctions.Core.Signing;

/// <summary>
/// Which Key Vault key versions the JWKS publishes, and which one signs. Only usable versions count (enabled, within
/// <c>nbf</c>..<c>exp</c>). The newest one (by <c>created</c>) signs; an older one stays published while its successor is
/// younger than the overlap, so JWTs it signed keep verifying for <c>Signing__RotationOverlapDays</c> after it stopped
/// being newest. A pinned version (named in <c>Signing__KeyVaultKeyId</c>) signs instead and is published first.
/// </summary>
internal static class KeyRotationWindow
{
    /// <summary>The versions to publish, the signing one first, the rest newest first.</summary>
    public static IReadOnlyList<KeyVaultKeyVersion> Select(
        IEnumerable<KeyVaultKeyVersion> versions, string? pinnedVersion, DateTimeOffset now, TimeSpan overlap)
    {
        var usable = versions.Where(v => v.IsUsableAt(now))
            .OrderByDescending(v => v.Created).ThenByDescending(v => v.Version, StringComparer.Ordinal).ToList();
        var published = new List<KeyVaultKeyVersion>();
        for (var i = 0; i < usable.Count && (i == 0 || now - usable[i - 1].Created < overlap); i++)
            published.Add(usable[i]);
        if (pinnedVersion is null) return published;

        var pinned = usable.Find(v => string.Equals(v.Version, pinnedVersion, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException(
                $"Signing__KeyVaultKeyId names key version {pinnedVersion}, which is not an enabled, currently valid version of the key.");
        return [pinned, .. published.Where(v => v != pinned)];
    }
}
