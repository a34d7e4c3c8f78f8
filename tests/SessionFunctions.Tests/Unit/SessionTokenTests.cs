using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SessionFunctions.Core.Identity;

namespace SessionFunctions.Tests.Unit;

public sealed partial class SessionTokenTests
{
    // 49 selector bytes (a format byte and three keys) = 392 bits: characters 0..64 are selector only, 66.. random only.
    private const int SelectorChars = 65, RandomFrom = 66;

    private static readonly Guid Organization = Guid.NewGuid(), Member = Guid.NewGuid(), Session = Guid.NewGuid();

    private static string NewToken() => SessionToken.Create(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

    /// <summary>A token of the first format: base64url of organization key, session key and 32 random bytes.</summary>
    /// <summary>A token of the second format (107 characters): organization, member and session keys, 32 random bytes.</summary>
    private static string MemberToken(Guid organization, Guid member, Guid session)
    {
        var raw = new byte[80];
        organization.TryWriteBytes(raw.AsSpan(0, 16));
        member.TryWriteBytes(raw.AsSpan(16, 16));
        session.TryWriteBytes(raw.AsSpan(32, 16));
        RandomNumberGenerator.Fill(raw.AsSpan(48));
        return Base64Url.EncodeToString(raw);
    }

    private static string LegacyToken(Guid organization, Guid session)
    {
        var raw = new byte[64];
        organization.TryWriteBytes(raw.AsSpan(0, 16));
        session.TryWriteBytes(raw.AsSpan(16, 16));
        RandomNumberGenerator.Fill(raw.AsSpan(32));
        return Base64Url.EncodeToString(raw);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{108}$")]
    private static partial Regex UrlSafe108();

    [Fact]
    public void A_token_is_108_url_safe_characters_a_length_no_earlier_format_had()
    {
        Assert.Equal(108, SessionToken.Length);
        Assert.Matches(UrlSafe108(), NewToken());
        Assert.NotEqual(SessionToken.MemberLength, SessionToken.Length);
        Assert.NotEqual(SessionToken.LegacyLength, SessionToken.Length);
    }

    [Fact]
    public void A_token_of_the_second_format_still_parses_with_its_member_but_not_as_next_to_it()
    {
        Assert.True(SessionToken.TryParse(MemberToken(Organization, Member, Session), out var selector));

        Assert.Equal(new TokenSelector(Organization, Session, Member, NextToMember: false), selector);
    }

    [Fact]
    public void A_108_character_token_with_another_format_byte_is_refused()
    {
        var raw = Base64Url.DecodeFromChars(NewToken());
        raw[0] = 2;

        Assert.False(SessionToken.TryParse(Base64Url.EncodeToString(raw), out _));
    }

    [Fact]
    public void Two_tokens_for_the_same_session_share_the_selector_but_not_the_random_part()
    {
        var first = SessionToken.Create(Organization, Member, Session);
        var second = SessionToken.Create(Organization, Member, Session);

        Assert.Equal(first[..SelectorChars], second[..SelectorChars]);
        Assert.NotEqual(first[RandomFrom..], second[RandomFrom..]);
    }

    [Fact]
    public void Many_tokens_have_distinct_random_parts()
    {
        var randomParts = Enumerable.Range(0, 200).Select(_ => SessionToken.Create(Organization, Member, Session)[RandomFrom..]).ToHashSet();

        Assert.Equal(200, randomParts.Count);
    }

    [Fact]
    public void TryParse_returns_the_organization_member_and_session_keys_the_token_was_made_with()
    {
        Assert.True(SessionToken.TryParse(SessionToken.Create(Organization, Member, Session), out var selector));

        Assert.Equal(new TokenSelector(Organization, Session, Member, NextToMember: true), selector);
    }

    [Fact]
    public void A_token_of_the_first_format_still_parses_without_a_member()
    {
        Assert.True(SessionToken.TryParse(LegacyToken(Organization, Session), out var selector));

        Assert.Equal(new TokenSelector(Organization, Session, null), selector);
    }

    [Fact]
    public void TryParse_refuses_null()
    {
        Assert.False(SessionToken.TryParse(null, out var selector));
        Assert.Equal(default, selector);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(85)]
    [InlineData(87)]
    [InlineData(106)]
    [InlineData(109)]
    [InlineData(110)]
    public void TryParse_refuses_a_token_of_the_wrong_length(int length)
    {
        var token = NewToken();
        var candidate = length <= token.Length ? token[..length] : token + new string('A', length - token.Length);

        Assert.False(SessionToken.TryParse(candidate, out _));
    }

    [Fact]
    public void TryParse_refuses_a_padded_token()
    {
        var token = NewToken();

        Assert.False(SessionToken.TryParse(token[..106] + "==", out _));
        Assert.False(SessionToken.TryParse(token[..107] + "=", out _));
        Assert.False(SessionToken.TryParse(token + "=", out _));
        Assert.False(SessionToken.TryParse(LegacyToken(Organization, Session)[..84] + "==", out _));
    }

    [Theory]
    [InlineData('+')]
    [InlineData('/')]
    [InlineData('=')]
    [InlineData(' ')]
    [InlineData('.')]
    [InlineData('\u00e9')]
    public void TryParse_refuses_a_character_outside_base64url(char bad)
    {
        var token = NewToken();

        Assert.False(SessionToken.TryParse(token[..10] + bad + token[11..], out _));
    }

    [Fact]
    public void Hash_is_the_sha256_of_the_tokens_utf8_bytes()
    {
        var token = NewToken();

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SessionToken.Hash(token));
    }

    [Fact]
    public void Matches_is_true_for_the_token_whose_hash_is_stored()
    {
        var token = NewToken();

        Assert.True(SessionToken.Matches(token, SessionToken.Hash(token)));
    }

    [Fact]
    public void Matches_is_false_for_a_token_differing_in_one_character_of_its_random_part()
    {
        var token = NewToken();
        var position = 80;
        var altered = token[..position] + (token[position] == 'A' ? 'B' : 'A') + token[(position + 1)..];

        Assert.True(SessionToken.TryParse(altered, out _));
        Assert.False(SessionToken.Matches(altered, SessionToken.Hash(token)));
    }

    [Fact]
    public void Matches_is_false_for_another_tokens_hash()
    {
        Assert.False(SessionToken.Matches(SessionToken.Create(Organization, Member, Session), SessionToken.Hash(SessionToken.Create(Organization, Member, Session))));
    }
}
