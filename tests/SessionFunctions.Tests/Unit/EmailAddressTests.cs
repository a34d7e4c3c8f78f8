using SessionFunctions.Core.Identity;

namespace SessionFunctions.Tests.Unit;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("a@b.co")]
    [InlineData("ada@example.com")]
    [InlineData("first.last+tag@example.com")]
    [InlineData("o'brien@example.ie")]
    [InlineData("user_name-1@mail.sub.example.org")]
    [InlineData("Ada@Example.COM")]
    [InlineData("  ada@example.com  ")]
    [InlineData("\u00fcser@exampl\u00e9.de")]
    public void Valid_addresses_are_accepted(string email) => Assert.True(EmailAddress.IsValid(email));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("plainaddress")]
    [InlineData("@example.com")]
    [InlineData("ada@")]
    [InlineData("ada@example")]
    [InlineData("ada@@example.com")]
    [InlineData("ada@team@example.com")]
    [InlineData("\"ada\"@example.com")]
    [InlineData("\"ada lovelace\"@example.com")]
    [InlineData("ada lovelace@example.com")]
    [InlineData("ada\t@example.com")]
    [InlineData("ada\u0001@example.com")]
    [InlineData("ada@exam\u007fple.com")]
    [InlineData("ada\u0085@example.com")]
    [InlineData("ada@.example.com")]
    [InlineData("ada@example.com.")]
    [InlineData("ada@example..com")]
    [InlineData("<ada@example.com>")]
    [InlineData("Ada <ada@example.com>")]
    [InlineData("ada,bob@example.com")]
    [InlineData("ada;bob@example.com")]
    [InlineData("ada@example.com,bob@example.com")]
    public void Invalid_addresses_are_refused(string? email) => Assert.False(EmailAddress.IsValid(email));

    [Fact]
    public void An_address_of_254_characters_is_accepted_and_255_refused()
    {
        var at254 = Address(localLength: 64, totalLength: 254);
        var at255 = Address(localLength: 64, totalLength: 255);

        Assert.Equal(254, at254.Length);
        Assert.Equal(255, at255.Length);
        Assert.True(EmailAddress.IsValid(at254));
        Assert.False(EmailAddress.IsValid(at255));
    }

    [Fact]
    public void A_local_part_of_64_characters_is_accepted_and_65_refused()
    {
        Assert.True(EmailAddress.IsValid(new string('a', 64) + "@example.com"));
        Assert.False(EmailAddress.IsValid(new string('a', 65) + "@example.com"));
    }

    [Fact]
    public void Surrounding_white_space_does_not_count_towards_the_limits()
    {
        Assert.True(EmailAddress.IsValid("   " + Address(localLength: 64, totalLength: 254) + "   "));
    }

    [Theory]
    [InlineData("Ada@Example.COM", "ada@example.com")]
    [InlineData("  ada@example.com\t", "ada@example.com")]
    [InlineData("ADA.LOVELACE+X@EXAMPLE.COM", "ada.lovelace+x@example.com")]
    [InlineData("ada@example.com", "ada@example.com")]
    public void Normalize_trims_and_lower_cases(string email, string normalized) =>
        Assert.Equal(normalized, EmailAddress.Normalize(email));

    [Fact]
    public void Normalized_valid_addresses_stay_valid()
    {
        foreach (var email in new[] { " Ada@Example.COM ", "first.last+tag@example.com" })
            Assert.True(EmailAddress.IsValid(EmailAddress.Normalize(email)));
    }

    /// <summary>local@domain with the given local-part length and total length, the domain made of dot-separated labels.</summary>
    private static string Address(int localLength, int totalLength)
    {
        var domainLength = totalLength - localLength - 1;
        var domain = new char[domainLength];
        for (var i = 0; i < domainLength; i++) domain[i] = i % 10 == 9 && i < domainLength - 4 ? '.' : 'd';
        domain[^4] = '.';
        domain[^3] = 'c';
        domain[^2] = 'o';
        domain[^1] = 'm';
        return new string('l', localLength) + "@" + new string(domain);
    }

    [Theory]
    [InlineData("Kate@Corp.Example", "kate@corp.example")]
    [InlineData("  ADA@EXAMPLE.COM ", "ada@example.com")]
    [InlineData("\u00dcser@Exampl\u00e9.de", "\u00dcser@exampl\u00e9.de")] // only ASCII letters fold: U+00DC stays
    public void Normalizing_trims_and_folds_ascii_letters_only(string email, string normalized) =>
        Assert.Equal(normalized, EmailAddress.Normalize(email));

    [Theory]
    [InlineData("\u212Aate@corp.example", "kate@corp.example")]   // KELVIN SIGN, which ToLowerInvariant turns into 'k'
    [InlineData("\u0130nfo@corp.example", "info@corp.example")]   // LATIN CAPITAL I WITH DOT ABOVE
    [InlineData("\u0131nfo@corp.example", "info@corp.example")]   // dotless i
    [InlineData("\u017Fales@corp.example", "sales@corp.example")] // long s, which upper-cases to 'S'
    [InlineData("\uFF4Bate@corp.example", "kate@corp.example")]   // fullwidth k
    [InlineData("\uFF2Bate@corp.example", "kate@corp.example")]   // fullwidth K
    public void A_look_alike_letter_never_normalizes_to_an_ascii_address(string lookAlike, string ascii)
    {
        Assert.NotEqual(EmailAddress.Normalize(ascii), EmailAddress.Normalize(lookAlike));
        Assert.NotEqual(EmailAddress.Normalize(ascii), EmailAddress.Normalize(lookAlike.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("ka\u200Bte@corp.example")]  // zero-width space
    [InlineData("kate\u200D@corp.example")]  // zero-width joiner
    [InlineData("\uFEFFkate@corp.example")]  // byte order mark
    [InlineData("kate@corp\u202E.example")]  // right-to-left override
    [InlineData("kate\u0378@corp.example")]  // unassigned code point
    public void Invisible_or_unassigned_characters_make_an_address_invalid(string email) => Assert.False(EmailAddress.IsValid(email));

    [Fact]
    public void An_unpaired_surrogate_makes_an_address_invalid() // built here: xunit's theory data would replace it with U+FFFD
    {
        Assert.False(EmailAddress.IsValid("kate" + '\uD800' + "@corp.example"));
        Assert.False(EmailAddress.IsValid("kate@corp.example" + '\uDC00'));
    }

    [Fact]
    public void A_letter_outside_the_basic_plane_is_accepted() => Assert.True(EmailAddress.IsValid("\U0001D4B6da@example.com"));

    /// <summary>Issue 19.6: only ASCII spaces and tabs around an address are trimmed; any other white space, control or format character refuses it.</summary>
    [Theory]
    [InlineData("\u00A0ceo@corp.example")]   // no-break space
    [InlineData("ceo@corp.example\u00A0")]
    [InlineData("\u3000ceo@corp.example")]   // ideographic space
    [InlineData("\u2003ceo@corp.example")]   // em space
    [InlineData("\u2028ceo@corp.example")]   // line separator
    [InlineData("\u0085ceo@corp.example")]   // next line (a control)
    [InlineData("\r\nceo@corp.example")]
    [InlineData("ceo@corp.example\n")]
    [InlineData("\u000Bceo@corp.example")]   // vertical tab
    [InlineData("\u000Cceo@corp.example")]   // form feed
    [InlineData("\u200Bceo@corp.example")]   // zero-width space
    [InlineData("ceo@corp.example\u2060")]   // word joiner
    [InlineData("\u180Eceo@corp.example")]   // Mongolian vowel separator
    public void Only_ascii_spaces_and_tabs_are_trimmed_anything_else_around_an_address_refuses_it(string email) =>
        Assert.False(EmailAddress.IsValid(email));

    [Theory]
    [InlineData(" \tceo@corp.example\t ")]
    [InlineData("\tCEO@corp.example")]
    public void Ascii_spaces_and_tabs_around_an_address_are_trimmed(string email)
    {
        Assert.True(EmailAddress.IsValid(email));
        Assert.Equal("ceo@corp.example", EmailAddress.Normalize(email));
    }

    [Fact]
    public void Normalize_never_folds_other_white_space_into_an_address() =>
        Assert.NotEqual("ceo@corp.example", EmailAddress.Normalize("\u00A0CEO@corp.example\u2003"));
}
