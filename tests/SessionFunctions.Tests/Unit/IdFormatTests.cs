using SessionFunctions.Core.Identity;

namespace SessionFunctions.Tests.Unit;

public sealed class IdFormatTests
{
    private static readonly IdFormat Test = new("project-test-" + Guid.NewGuid());
    private static readonly IdFormat Live = new("project-live-" + Guid.NewGuid());

    [Theory]
    [InlineData("project-live-0f4c", "live")]
    [InlineData("project-test-0f4c", "test")]
    [InlineData("project-live", "test")]
    [InlineData("PROJECT-LIVE-0f4c", "test")]
    [InlineData("project-livestock-1", "test")]
    public void The_environment_comes_from_the_project_id(string projectId, string environment) =>
        Assert.Equal(environment, new IdFormat(projectId).Environment);

    [Fact]
    public void Ids_carry_the_environment()
    {
        var organization = Guid.NewGuid();
        var other = Guid.NewGuid();

        Assert.Equal("organization-test-" + organization.ToString("D"), Test.Organization(organization));
        Assert.Equal("organization-live-" + organization.ToString("D"), Live.Organization(organization));
        Assert.Equal("member-live-" + organization.ToString("N") + other.ToString("N"), Live.Member(organization, other));
        Assert.Equal("member-session-test-" + organization.ToString("N") + other.ToString("N"), Test.Session(organization, other));
        Assert.StartsWith("email-live-", Live.NewEmailId());
        Assert.StartsWith("request-id-test-", Test.NewRequestId());
        Assert.Equal($"jwk-live-{other:D}", Live.NewJwkId(other));
    }

    [Fact]
    public void An_organization_id_round_trips()
    {
        var organization = Guid.NewGuid();

        Assert.True(Test.TryParseOrganization(Test.Organization(organization), out var parsed));
        Assert.Equal(organization, parsed);
    }

    [Fact]
    public void A_member_id_round_trips()
    {
        var organization = Guid.NewGuid();
        var member = Guid.NewGuid();

        Assert.True(Test.TryParseMember(Test.Member(organization, member), out var parsedOrganization, out var parsedMember));
        Assert.Equal(organization, parsedOrganization);
        Assert.Equal(member, parsedMember);
    }

    [Fact]
    public void A_session_id_round_trips()
    {
        var organization = Guid.NewGuid();
        var session = Guid.NewGuid();

        Assert.True(Live.TryParseSession(Live.Session(organization, session), out var parsedOrganization, out var parsedSession));
        Assert.Equal(organization, parsedOrganization);
        Assert.Equal(session, parsedSession);
    }

    [Fact]
    public void Ids_of_one_kind_do_not_parse_as_another()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();

        Assert.False(Test.TryParseSession(Test.Member(a, b), out _, out _));
        Assert.False(Test.TryParseMember(Test.Session(a, b), out _, out _));
        Assert.False(Test.TryParseOrganization(Test.Member(a, b), out _));
        Assert.False(Test.TryParseMember(Test.Organization(a), out _, out _));
    }

    [Fact]
    public void Live_ids_do_not_parse_in_a_test_project_nor_test_ids_in_a_live_one()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();

        Assert.False(Test.TryParseOrganization(Live.Organization(a), out _));
        Assert.False(Test.TryParseMember(Live.Member(a, b), out _, out _));
        Assert.False(Test.TryParseSession(Live.Session(a, b), out _, out _));
        Assert.False(Live.TryParseOrganization(Test.Organization(a), out _));
        Assert.False(Live.TryParseMember(Test.Member(a, b), out _, out _));
        Assert.False(Live.TryParseSession(Test.Session(a, b), out _, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("organization-test-")]
    [InlineData("org-test-6f9619ff-8b86-d011-b42d-00c04fc964ff")]
    [InlineData("organization-6f9619ff-8b86-d011-b42d-00c04fc964ff")]
    [InlineData("organization-test-6f9619ff8b86d011b42d00c04fc964ff")]
    [InlineData("organization-test-6f9619ff-8b86-d011-b42d-00c04fc964f")]
    [InlineData("organization-test-6f9619ff-8b86-d011-b42d-00c04fc964ffa")]
    [InlineData("organization-test-{6f9619ff-8b86-d011-b42d-00c04fc964ff}")]
    [InlineData("organization-test-6f9619ff-8b86-d011-b42d-00c04fc964fg")]
    public void Malformed_organization_ids_do_not_parse(string? id) =>
        Assert.False(Test.TryParseOrganization(id, out _));

    [Theory]
    [InlineData("organization-test-6F9619FF-8B86-D011-B42D-00C04FC964FF")]
    [InlineData("organization-test-6f9619ff-8b86-d011-b42d-00c04fc964ff ")]
    [InlineData("organization-test-6f9619ff-8b86-d011-b42d-00c04fc964ff\n")]
    [InlineData("organization-test- 6f9619ff-8b86-d011-b42d-00c04fc964ff")]
    [InlineData("organization-test-+f9619ff-8b86-d011-b42d-00c04fc964ff")]
    [InlineData("organization-test-0x9619ff-8b86-d011-b42d-00c04fc964ff")]
    public void Non_canonical_spellings_of_an_organization_id_do_not_parse(string id) =>
        Assert.False(Test.TryParseOrganization(id, out _));

    [Fact]
    public void Member_and_session_ids_of_the_wrong_length_do_not_parse()
    {
        var id = Test.Member(Guid.NewGuid(), Guid.NewGuid());
        var session = Test.Session(Guid.NewGuid(), Guid.NewGuid());

        Assert.False(Test.TryParseMember(id[..^1], out _, out _));
        Assert.False(Test.TryParseMember(id + "0", out _, out _));
        Assert.False(Test.TryParseMember("member-test-" + Guid.NewGuid().ToString("N"), out _, out _));
        Assert.False(Test.TryParseSession(session[..^1], out _, out _));
        Assert.False(Test.TryParseSession(session + "a", out _, out _));
    }

    [Fact]
    public void Member_and_session_ids_with_upper_case_hex_do_not_parse()
    {
        var organization = Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff");
        var key = Guid.Parse("0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d");
        var member = Test.Member(organization, key);
        var session = Test.Session(organization, key);

        Assert.True(Test.TryParseMember(member, out _, out _));
        Assert.False(Test.TryParseMember("member-test-" + member["member-test-".Length..].ToUpperInvariant(), out _, out _));
        Assert.False(Test.TryParseMember(member[..^1] + "D", out _, out _));
        Assert.False(Test.TryParseSession("member-session-test-" + session["member-session-test-".Length..].ToUpperInvariant(), out _, out _));
        Assert.False(Test.TryParseSession(session[..^1] + "D", out _, out _));
    }

    [Theory]
    [InlineData("member-test-6f9619ff8b86d011b42d00c04fc964ff0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5g")]
    [InlineData("member-test-6f9619ff8b86d011b42d00c04fc964ff0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5 ")]
    [InlineData("member-test-+f9619ff8b86d011b42d00c04fc964ff0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d")]
    [InlineData("member-test-6f9619ff-8b86-d011-b42d-00c04fc964ff0a1b2c3d4e5f6a7b8c9d0e1f2a3b")]
    [InlineData("members-test6f9619ff8b86d011b42d00c04fc964ff0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d")]
    [InlineData("session-test-6f9619ff8b86d011b42d00c04fc964ff0a1b2c3d4e5f6a7b8c9d0e1f2a3")]
    [InlineData(null)]
    public void Malformed_member_ids_do_not_parse(string? id) =>
        Assert.False(Test.TryParseMember(id, out _, out _));
}
