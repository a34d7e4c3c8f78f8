using System.Collections.Frozen;

namespace SessionFunctions.Core.Identity;

/// <summary>
/// Email domains as organization settings name them (<c>email_allowed_domains</c>, implicit role assignments): ASCII
/// letters, digits and hyphens in dot-separated labels, folded to lower case, and never a public email provider's
/// domain (the list ships as <c>Identity/common-email-domains.txt</c>).
/// </summary>
public static class EmailDomains
{
    private static readonly FrozenSet<string> Common = Load();

    /// <summary>The domain folded to lower case, or null when it is not a plain DNS name of two labels or more.</summary>
    public static string? Normalize(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain)) return null;
        var d = AsciiCase.Fold(domain.Trim());
        if (d.Length > 253) return null;
        var labels = d.Split('.');
        if (labels.Length < 2) return null;
        foreach (var label in labels)
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
                return null;
        return d;
    }

    /// <summary>Whether anyone may open an address at this (normalized) domain: gmail.com, outlook.com, ...</summary>
    public static bool IsCommon(string normalizedDomain) => Common.Contains(normalizedDomain);

    /// <summary>The domain part of an email address, folded as <see cref="EmailAddress.Normalize"/> folds it.</summary>
    public static string Of(string email)
    {
        var normalized = EmailAddress.Normalize(email);
        return normalized[(normalized.LastIndexOf('@') + 1)..];
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(EmailDomains).Assembly.GetManifestResourceStream("common-email-domains.txt")
            ?? throw new InvalidOperationException("The embedded list common-email-domains.txt is missing.");
        using var reader = new StreamReader(stream);
        var domains = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
            if (line.Trim() is { Length: > 0 } d && d[0] != '#') domains.Add(d);
        return domains.ToFrozenSet(StringComparer.Ordinal);
    }
}
