using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace SessionFunctions.Core.Identity;

/// <summary>Email rules shared by member creation and migration: one validation, one normalization.</summary>
public static class EmailAddress
{
    /// <summary>
    /// Trimmed of ASCII spaces and tabs (<see cref="Trim"/>), with ASCII letters lower-cased (<see cref="AsciiCase"/>):
    /// the form emails are compared in, per organization. Any other character must match exactly.
    /// </summary>
    public static string Normalize(string email) => AsciiCase.Fold(Trim(email));

    /// <summary>
    /// The address without the ASCII spaces and tabs around it, and nothing else: any other white space (U+00A0, U+3000,
    /// line breaks…) stays, and <see cref="IsValid"/> refuses it, so an address is never folded into another one.
    /// </summary>
    public static string Trim(string email) => email.Trim(' ', '\t');

    public static bool IsValid([NotNullWhen(true)] string? email)
    {
        if (email is null) return false;
        var e = Trim(email);
        if (e.Length == 0) return false;
        if (e.Length > 254) return false;
        var at = e.LastIndexOf('@');
        if (at < 1 || at > 64 || at == e.Length - 1 || e.IndexOf('@') != at) return false;
        for (var i = 0; i < e.Length; i++)
        {
            var c = e[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or ';' or '"') return false;
            if (!Rune.TryGetRuneAt(e, i, out var rune) || IsInvisible(rune)) return false; // an unpaired surrogate fails here
            if (rune.Utf16SequenceLength == 2) i++;
        }
        var domain = e.AsSpan(at + 1);
        return domain.Contains('.') && domain[0] != '.' && domain[^1] != '.' && !domain.Contains("..", StringComparison.Ordinal);
    }

    /// <summary>
    /// Zero-width and other format characters (U+200B, U+200D, U+FEFF, bidi controls…) and unassigned code points: an
    /// address holding one looks like another address, so it is refused rather than compared.
    /// </summary>
    private static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned;
}
