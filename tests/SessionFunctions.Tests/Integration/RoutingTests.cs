using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Integration;

public sealed class RoutingTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("/v1/b2b/nothing-here")]
    [InlineData("/")]
    [InlineData("/v1/b2b/sessions/migrate/extra")]
    public async Task An_unknown_route_is_a_404_in_the_error_envelope(string path) =>
        (await server.GetAsync(path)).AssertError(404, "route_not_found");

    [Theory]
    [InlineData("GET", "/v1/b2b/sessions/migrate", "POST")]
    [InlineData("PUT", "/v1/b2b/sessions/authenticate", "POST")]
    [InlineData("DELETE", "/v1/b2b/sessions/revoke", "POST")]
    [InlineData("POST", "/v1/b2b/sessions", "GET")]
    [InlineData("POST", "/v1/b2b/sessions/jwks/project-test-x", "GET")]
    [InlineData("PATCH", "/v1/b2b/organizations", "POST")]
    [InlineData("POST", "/v1/b2b/organizations/acme", "GET, PUT, DELETE")]
    public async Task A_known_route_with_the_wrong_verb_is_a_405_in_the_error_envelope_with_Allow(string method, string path, string allow)
    {
        using var response = await server.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
        (await ApiCall.ReadAsync(response)).AssertError(405, "method_not_allowed");
    }
}
