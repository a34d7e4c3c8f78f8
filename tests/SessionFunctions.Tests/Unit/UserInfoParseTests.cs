using System.Text;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Tests.Unit;

public sealed class UserInfoParseTests
{
    private static UserInfoResult Parse(string json) => UserInfoClient.Parse(Encoding.UTF8.GetBytes(json));

    private static SessionException Refused(string json) => Assert.Throws<SessionException>(() => Parse(json));

    [Fact]
    public void The_email_and_sub_are_read()
    {
        var result = Parse("""{"sub":"auth0|123","email":"Ada@Example.com","email_verified":true,"name":"Ada"}""");

        Assert.Equal("Ada@Example.com", result.Email);
        Assert.Equal("auth0|123", result.Subject);
    }

    [Fact]
    public void A_missing_sub_is_null()
    {
        Assert.Null(Parse("""{"email":"ada@example.com","email_verified":true}""").Subject);
        Assert.Null(Parse("""{"email":"ada@example.com","email_verified":true,"sub":42}""").Subject);
    }

    [Theory]
    [InlineData("""{"email_verified":true}""")]
    [InlineData("""{"email":null}""")]
    [InlineData("""{"email":""}""")]
    [InlineData("""{"email":"   "}""")]
    [InlineData("""{"email":42}""")]
    [InlineData("""{"email":true}""")]
    [InlineData("""{"email":["ada@example.com"]}""")]
    [InlineData("""{"email":{"value":"ada@example.com"}}""")]
    [InlineData("""{"Email":"ada@example.com"}""")]
    public void An_answer_without_a_non_empty_string_email_is_refused_as_missing_userinfo(string json)
    {
        var e = Refused(json);

        Assert.Same(ErrorTypes.MigrateMissingEmail, e.Type);
        Assert.Equal("migrate_from_external_missing_userinfo", e.Type.Value);
    }

    [Theory]
    [InlineData("""{"email":"ada@example.com","email_verified":false}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":"false"}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":"False"}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":"FALSE"}""")]
    [InlineData("""{"email":"ada@example.com"}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":null}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":0}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":1}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":"no"}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":"yes"}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":"TRUE"}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":" true"}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":[true]}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":{}}""")]
    [InlineData("""{"email":"ada@example.com","Email_Verified":true}""")]
    public void An_email_not_reported_verified_is_refused(string json)
    {
        var e = Refused(json);

        Assert.Equal("oidc_response_unverified_email", e.Type.Value);
        Assert.Equal(ErrorKind.BadRequest, e.Type.Kind);
    }

    [Theory]
    [InlineData("""{"email":"ada@example.com","email_verified":true}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":"true"}""")]
    public void A_verified_email_is_accepted(string json) =>
        Assert.Equal("ada@example.com", Parse(json).Email);

    [Theory]
    [InlineData("""{"email":"ada@example.com"}""", true)]
    [InlineData("""{"email":"ada@example.com","email_verified":true}""", true)]
    [InlineData("""{"email":"ada@example.com","email_verified":null}""", false)]
    [InlineData("""{"email":"ada@example.com","email_verified":false}""", false)]
    [InlineData("""{"email":"ada@example.com","email_verified":"false"}""", false)]
    public void A_trusted_provider_may_leave_the_claim_out_but_may_not_deny_it(string json, bool accepted)
    {
        UserInfoResult Trusted() => UserInfoClient.Parse(Encoding.UTF8.GetBytes(json), "email", emailVerifiedRequired: false);
        if (accepted) Assert.Equal("ada@example.com", Trusted().Email);
        else Assert.Equal("oidc_response_unverified_email", Assert.Throws<SessionException>(Trusted).Type.Value);
    }

    [Fact]
    public void The_email_is_read_from_the_configured_claim_only()
    {
        var json = Encoding.UTF8.GetBytes("""{"email":"wrong@example.com","upn":"ada@example.com","email_verified":true}""");

        Assert.Equal("ada@example.com", UserInfoClient.Parse(json, "upn").Email);
        Assert.Same(ErrorTypes.MigrateMissingEmail, Assert.Throws<SessionException>(() => UserInfoClient.Parse(json, "preferred_username")).Type);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""["ada@example.com"]""")]
    [InlineData("\"ada@example.com\"")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("<html><body>Bad gateway</body></html>")]
    [InlineData("""{"email":"ada@example.com" """)]
    public void An_answer_that_is_not_a_json_object_is_an_unexpected_response_from_the_provider(string body)
    {
        var e = Refused(body);

        Assert.Equal("migrate_from_external_unexpected_response", e.Type.Value);
        Assert.Equal(ErrorKind.BadGateway, e.Type.Kind);
    }

    [Theory]
    [InlineData("""{"email":"ada@example.com","email_verified":false,"email_verified":true}""")]
    [InlineData("""{"email":"eve@example.com","email":"ada@example.com","email_verified":true}""")]
    [InlineData("""{"email":"ada@example.com","email_verified":true,"address":{"country":"x","country":"y"}}""")]
    public void An_answer_that_repeats_a_name_is_refused_as_a_provider_error(string json) =>
        Assert.Equal(ErrorTypes.MigrateProviderError, Refused(json).Type);
}
