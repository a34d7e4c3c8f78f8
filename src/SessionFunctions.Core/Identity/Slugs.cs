namespace SessionFunctions.Core.Identity;

/// <summary>Organization slugs: 2 to 128 characters of ASCII letters, digits and <c>- . _ ~</c>, unique case-insensitively.</summary>
public static class Slugs
{
    public static bool IsValid(string? slug) =>
        slug is { Length: >= 2 and <= 128 } && slug.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');
}
