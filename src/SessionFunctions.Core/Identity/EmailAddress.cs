using System.Diagnostics.CodeAnalysis;

namespace SessionFunctions.Core.Identity;

/// <summary>Email rules shared by member creation and migration: one validation, one normalization.</summary>
public static class EmailAddress
{
    /// <summary>Trimmed and lower-cased: the form emails are compared in (case-insensitively, per organization).</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public static bool IsValid([NotNullWhen(true)] string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) return false;
        var e = email.Trim();
        if (e.Length > 254) return false;
        var at = e.LastIndexOf('@');
        if (at < 1 || at > 64 || at == e.Length - 1 || e.IndexOf('@') != at) return false;
        foreach (var c in e)
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"') return false;
        var domain = e.AsSpan(at + 1);
        return domain.Contains('.') && domain[0] != '.' && domain[^1] != '.' && !domain.Contains("..", StringComparison.Ordinal);
    }
}
