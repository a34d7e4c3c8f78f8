using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using SessionFunctions.Core.Identity;

namespace SessionFunctions.Tests.Unit;

public sealed partial class SessionTokenTests
{
    // 32 selector bytes = 256 bits: characters 0..41 hold only selector bits, character 42 mixes both, 43.. are random.
    private const int FirstRandomChar = 43;

    [GeneratedRegex("^[A-Za-z0-9_-]{86}$")]
    private static partial Regex UrlSafe86();

    [Fact]
    public void A_token_is_86_url_safe_characters()
    {
        var token = SessionToken.Create(Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal(86, SessionToken.Length);
        Assert.Matches(UrlSafe86(), token);
    }

    [Fact]
    public void Two_tokens_for_the_same_session_share_the_selector_but_not_the_random_part()
    {
        var organization = Guid.NewGuid();
        var session = Guid.NewGuid();

        var first = SessionToken.Create(organization, session);
        var second = SessionToken.Create(organization, session);

        Assert.Equal(first[..42], second[..42]);
        Assert.NotEqual(first[FirstRandomChar..], second[FirstRandomChar..]);
    }

    [Fact]
    public void Many_tokens_have_distinct_random_parts()
    {
        var organization = Guid.NewGuid();
        var session = Guid.NewGuid();

        var randomParts = Enumerable.Range(0, 200).Select(_ => SessionToken.Create(organization, session)[FirstRandomChar..]).ToHashSet();

        Assert.Equal(200, randomParts.Count);
    }

    [Fact]
    public void TryParse_returns_the_organization_and_session_keys_the_token_was_made_with()
    {
        var organization = Guid.NewGuid();
        var session = Guid.NewGuid();

        Assert.True(SessionToken.TryParse(SessionToken.Create(organization, session), out var parsedOrganization, out var parsedSession));

        Assert.Equal(organization, parsedOrganization);
        Assert.Equal(session, parsedSession);
    }

    [Fact]
    public void TryParse_refuses_null()
    {
        Assert.False(SessionToken.TryParse(null, out var organization, out var session));
        Assert.Equal(Guid.Empty, organization);
        Assert.Equal(Guid.Empty, session);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(85)]
    [InlineData(87)]
    [InlineData(88)]
    public void TryParse_refuses_a_token_of_the_wrong_length(int length)
    {
        var token = SessionToken.Create(Guid.NewGuid(), Guid.NewGuid());
        var candidate = length <= token.Length ? token[..length] : token + new string('A', length - token.Length);

        Assert.False(SessionToken.TryParse(candidate, out _, out _));
    }

    [Fact]
    public void TryParse_refuses_a_padded_token()
    {
        var token = SessionToken.Create(Guid.NewGuid(), Guid.NewGuid());

        Assert.False(SessionToken.TryParse(token[..84] + "==", out _, out _));
        Assert.False(SessionToken.TryParse(token[..85] + "=", out _, out _));
        Assert.False(SessionToken.TryParse(token + "==", out _, out _));
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
        var token = SessionToken.Create(Guid.NewGuid(), Guid.NewGuid());

        Assert.False(SessionToken.TryParse(token[..10] + bad + token[11..], out _, out _));
    }

    [Fact]
    public void Hash_is_the_sha256_of_the_tokens_utf8_bytes()
    {
        var token = SessionToken.Create(Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), SessionToken.Hash(token));
    }

    [Fact]
    public void Matches_is_true_for_the_token_whose_hash_is_stored()
    {
        var token = SessionToken.Create(Guid.NewGuid(), Guid.NewGuid());

        Assert.True(SessionToken.Matches(token, SessionToken.Hash(token)));
    }

    [Fact]
    public void Matches_is_false_for_a_token_differing_in_one_character_of_its_random_part()
    {
        var token = SessionToken.Create(Guid.NewGuid(), Guid.NewGuid());
        var position = 60;
        var altered = token[..position] + (token[position] == 'A' ? 'B' : 'A') + token[(position + 1)..];

        Assert.True(SessionToken.TryParse(altered, out _, out _));
        Assert.False(SessionToken.Matches(altered, SessionToken.Hash(token)));
    }

    [Fact]
    public void Matches_is_false_for_another_tokens_hash()
    {
        var organization = Guid.NewGuid();
        var session = Guid.NewGuid();

        Assert.False(SessionToken.Matches(SessionToken.Create(organization, session), SessionToken.Hash(SessionToken.Create(organization, session))));
    }
}
