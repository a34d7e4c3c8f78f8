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
}
