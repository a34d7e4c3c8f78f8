using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Hardening;

/// <summary>
/// Issue 19.6: emails are taken as the provider (or the API caller) sent them. Only ASCII spaces and tabs around an
/// address are trimmed; any other white space, control or format character makes it invalid, so
/// <c>"\u00A0ceo@corp.example"</c> can never log in as the member <c>ceo@corp.example</c>.
/// </summary>
public sealed class EmailWhitespaceTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    public static TheoryData<string> Disguises => ["\u00A0{0}", "{0}\u3000", "\u2028{0}", "\u0085{0}", "\n{0}", "\u200B{0}", "{0}\u2060"];

    [Theory]
    [MemberData(nameof(Disguises))]
    public async Task A_provider_email_with_other_white_space_around_it_is_refused_not_folded_into_the_member(string disguise)
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"ceo-{Guid.NewGuid():N}@corp.example";
        await server.NewMemberAsync(organizationId, email);
        var token = server.UserInfo.TokenWithClaims(new Dictionary<string, object?> { ["email"] = string.Format(disguise, email), ["email_verified"] = true });

        var call = await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = token, organization_id = organizationId });

        call.AssertError(400, "invalid_email");
    }

    [Fact]
    public async Task A_provider_email_with_ascii_spaces_and_tabs_around_it_logs_the_member_in()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"ceo-{Guid.NewGuid():N}@corp.example";
        await server.NewMemberAsync(organizationId, email);
        var token = server.UserInfo.TokenWithClaims(new Dictionary<string, object?> { ["email"] = $" \t{email.ToUpperInvariant()}\t ", ["email_verified"] = true });

        (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = token, organization_id = organizationId })).AssertOk();
    }

    [Theory]
    [MemberData(nameof(Disguises))]
    public async Task A_member_created_with_other_white_space_around_its_email_is_refused(string disguise)
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"ceo-{Guid.NewGuid():N}@corp.example";
        server.RememberEmail(email);

        var call = await server.PostAsync($"/v1/b2b/organizations/{organizationId}/members", new { email_address = string.Format(disguise, email) });

        call.AssertError(400, "invalid_email");
        Assert.DoesNotContain(await server.AllRowsAsync(), r => r.Contains(organizationId) && r.Contains("/email|"));
    }

    [Fact]
    public async Task A_member_created_with_ascii_spaces_and_tabs_around_its_email_is_stored_without_them()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"ceo-{Guid.NewGuid():N}@corp.example";
        server.RememberEmail(email);

        var call = (await server.PostAsync($"/v1/b2b/organizations/{organizationId}/members", new { email_address = $"\t {email} \t" })).AssertOk();

        Assert.Equal(email, call.Json.GetProperty("member").GetProperty("email_address").GetString());
    }
}
