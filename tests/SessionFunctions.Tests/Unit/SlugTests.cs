using SessionFunctions.Core.Features;
using SessionFunctions.Core.Identity;

namespace SessionFunctions.Tests.Unit;

public sealed class SlugTests
{
    [Theory]
    [InlineData("ab")]
    [InlineData("acme")]
    [InlineData("Acme-Inc")]
    [InlineData("a-b.c_d~e")]
    [InlineData("0123456789")]
    [InlineData("--")]
    public void Valid_slugs_are_accepted(string slug) => Assert.True(Slugs.IsValid(slug));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("acme inc")]
    [InlineData("acme/inc")]
    [InlineData("acme%20inc")]
    [InlineData("acme,inc")]
    [InlineData("caf\u00e9")]
    [InlineData("acme\n")]
    [InlineData("acme+inc")]
    public void Invalid_slugs_are_refused(string? slug) => Assert.False(Slugs.IsValid(slug));

    [Fact]
    public void A_slug_may_be_128_characters_but_not_129()
    {
        Assert.True(Slugs.IsValid(new string('a', 128)));
        Assert.False(Slugs.IsValid(new string('a', 129)));
    }

    [Theory]
    [InlineData("Acme, Inc.", "acme-inc")]
    [InlineData("Acme", "acme")]
    [InlineData(" Hello World ", "hello-world")]
    [InlineData("ACME 2024", "acme-2024")]
    [InlineData("---Acme---", "acme")]
    [InlineData("Caf\u00e9 Org", "caf-org")]
    [InlineData("\u00dcber Corp", "ber-corp")]
    [InlineData("a.b_c~d", "a-b-c-d")]
    public void SlugFrom_lower_cases_and_turns_other_characters_into_single_dashes(string name, string slug) =>
        Assert.Equal(slug, CreateOrganization.SlugFrom(name));

    [Theory]
    [InlineData("Acme & Co", "acme-co")]
    [InlineData("Acme -- Inc", "acme-inc")]
    [InlineData("a!!!b", "a-b")]
    [InlineData("  Hello   World  ", "hello-world")]
    public void SlugFrom_collapses_any_run_of_other_characters_into_one_dash(string name, string slug) =>
        Assert.Equal(slug, CreateOrganization.SlugFrom(name));

    [Theory]
    [InlineData("")]
    [InlineData("!!!")]
    [InlineData("\u65e5\u672c")]
    public void SlugFrom_a_name_without_ascii_letters_or_digits_is_empty(string name) =>
        Assert.Equal("", CreateOrganization.SlugFrom(name));

    [Theory]
    [InlineData("Acme, Inc.")]
    [InlineData("The Quick Brown Fox Ltd")]
    [InlineData("  x-y  ")]
    public void A_slug_made_from_a_name_with_two_or_more_letters_is_valid(string name) =>
        Assert.True(Slugs.IsValid(CreateOrganization.SlugFrom(name)));
}
