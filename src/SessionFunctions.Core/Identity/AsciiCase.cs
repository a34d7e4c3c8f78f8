namespace SessionFunctions.Core.Identity;

/// <summary>
/// Case folding for names that are compared ignoring case (emails, organization slugs and external ids): ASCII
/// letters only. Culture-aware or Unicode folding would make different strings equal (U+212A KELVIN SIGN lower-cases
/// to ASCII 'k', U+0130 to 'i'), so that, for example, a provider's "\u212Aate@corp.example" would match the member
/// kate@corp.example. Every other character must match exactly.
/// </summary>
public static class AsciiCase
{
    public static string Fold(string value)
    {
        var i = 0;
        while (i < value.Length && !char.IsAsciiLetterUpper(value[i])) i++;
        if (i == value.Length) return value;
        return string.Create(value.Length, value, static (span, source) =>
        {
            for (var j = 0; j < source.Length; j++)
                span[j] = char.IsAsciiLetterUpper(source[j]) ? (char)(source[j] | 0x20) : source[j];
        });
    }
}
