using System.Text;
using Microsoft.AspNetCore.Http;
using SessionFunctions.Api.Http;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Tests.Unit;

public sealed class BasicAuthTests
{
    private const string Project = "project-test-6f9619ff-8b86-d011-b42d-00c04fc964ff";
    private const string Secret = "secret-test-Zm9vYmFyYmF6cXV4";

    private static readonly BasicAuth Auth = new(Microsoft.Extensions.Options.Options.Create(new SessionsOptions { ProjectId = Project, ProjectSecret = Secret }));

    private static string Encode(string credentials) => Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    private static bool Accepts(string? authorization)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        return Auth.Accepts(context.Request);
    }

    [Theory]
    [InlineData("Basic ")]
    [InlineData("basic ")]
    [InlineData("BASIC ")]
    [InlineData("bAsIc ")]
    public void The_project_id_and_secret_are_accepted_with_the_scheme_in_any_case(string scheme) =>
        Assert.True(Accepts(scheme + Encode($"{Project}:{Secret}")));

    [Fact]
    public void Surrounding_white_space_around_the_credentials_is_tolerated() =>
        Assert.True(Accepts("Basic  " + Encode($"{Project}:{Secret}") + " "));

    [Fact]
    public void A_missing_header_is_refused() => Assert.False(Accepts(null));

    [Theory]
    [InlineData("")]
    [InlineData("Basic")]
    [InlineData("Basic ")]
    [InlineData("Basic not*base64!")]
    [InlineData("Basic cHJvamVjdA")]
    public void A_header_without_decodable_credentials_is_refused(string header) => Assert.False(Accepts(header));

    [Fact]
    public void A_wrong_secret_is_refused() => Assert.False(Accepts("Basic " + Encode($"{Project}:secret-test-wrong-wrong")));

    [Fact]
    public void A_wrong_project_is_refused() =>
        Assert.False(Accepts("Basic " + Encode($"project-test-00000000-0000-0000-0000-000000000000:{Secret}")));

    [Fact]
    public void The_secret_with_a_trailing_character_is_refused() => Assert.False(Accepts("Basic " + Encode($"{Project}:{Secret}x")));

    [Fact]
    public void The_secret_without_its_last_character_is_refused() => Assert.False(Accepts("Basic " + Encode($"{Project}:{Secret[..^1]}")));

    [Fact]
    public void The_credentials_in_another_scheme_are_refused()
    {
        Assert.False(Accepts("Bearer " + Encode($"{Project}:{Secret}")));
        Assert.False(Accepts("Basic" + Encode($"{Project}:{Secret}")));
        Assert.False(Accepts(Encode($"{Project}:{Secret}")));
    }

    [Fact]
    public void The_credentials_unencoded_are_refused() => Assert.False(Accepts($"Basic {Project}:{Secret}"));

    [Fact]
    public void The_project_and_secret_swapped_are_refused() => Assert.False(Accepts("Basic " + Encode($"{Secret}:{Project}")));

    [Fact]
    public void A_header_over_4096_characters_is_refused() =>
        Assert.False(Accepts("Basic " + Encode($"{Project}:{Secret}") + new string(' ', 4096)));
}
