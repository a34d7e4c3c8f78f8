using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SessionFunctions.Api;
using SessionFunctions.Core.Identity;

namespace SessionFunctions.Tests.Functions;

/// <summary>
/// The catch-all function's dispatch (<see cref="SessionApiDispatch"/>), route by route: whichever function the
/// Functions host hands a request to, a known route and verb reaches that route's handler with its route values, a
/// known path with another verb is 405 and anything else 404, in Stytch's envelope.
/// </summary>
public sealed class CatchAllDispatchTests
{
    private static readonly string[] Verbs = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    private readonly List<(string Route, RouteValueDictionary Values)> _served = [];

    /// <summary>The real table's templates and verbs, each handler replaced by one that records what it was given.</summary>
    private List<ApiRoute> RecordingTable() =>
        [.. SessionApiRoutes.All.Select(r => r with { Handler = (_, values) => { _served.Add((r.Name, values)); return Task.CompletedTask; } })];

    public static TheoryData<string> Routes() => [.. SessionApiRoutes.All.Select(r => r.Name)];

    /// <summary>A path for the template, each parameter filled with a value naming it.</summary>
    private static string PathOf(ApiRoute route) =>
        "/" + string.Join('/', route.Template.Split('/').Select(s => s.StartsWith('{') ? "value-of-" + s.Trim('{', '}') : s));

    private static DefaultHttpContext Request(string method, string path)
    {
        var services = new ServiceCollection().AddSingleton(new IdFormat("project-test-00000000-0000-4000-8000-000000000001")).BuildServiceProvider();
        return new DefaultHttpContext { RequestServices = services, Request = { Method = method, Path = path }, Response = { Body = new MemoryStream() } };
    }

    private static string ErrorType(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement.GetProperty("error_type").GetString()!;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_known_route_and_verb_reaches_that_routes_handler_with_its_values(string name)
    {
        var route = SessionApiRoutes.All.Single(r => r.Name == name);
        await SessionApiDispatch.DispatchAsync(Request(route.Verb, PathOf(route)), RecordingTable());

        var (served, values) = Assert.Single(_served);
        Assert.Equal(route.Name, served);
        var parameters = route.Template.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}')).ToList();
        Assert.Equal(parameters.Order(), values.Keys.Order());
        Assert.All(parameters, p => Assert.Equal("value-of-" + p, values[p]));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_known_path_with_another_verb_is_405(string name)
    {
        var route = SessionApiRoutes.All.Single(r => r.Name == name);
        var path = PathOf(route);
        // Verbs that no route on this path takes (GET and POST may share a path, e.g. organizations/{id}/members).
        foreach (var verb in Verbs.Where(v => !SessionApiRoutes.All.Any(r => r.Verb == v && PathOf(r) == path)))
        {
            var context = Request(verb, path);
            await SessionApiDispatch.DispatchAsync(context, RecordingTable());
            Assert.Equal(405, context.Response.StatusCode);
            Assert.Equal("method_not_allowed", ErrorType(context));
            var allowed = SessionApiRoutes.All.Where(r => PathOf(r) == path).Select(r => r.Verb).Order();
            Assert.Equal(allowed, context.Response.Headers.Allow.ToString().Split(", ").Order());
        }
        Assert.Empty(_served);
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("POST", "/v1/b2b/sessions/migrate/extra")]
    [InlineData("GET", "/v1/b2b/organizations/a/members/b/c")]
    [InlineData("POST", "/v1/b2b/nothing-here")]
    [InlineData("GET", "/api/v1/b2b/sessions")]
    public async Task Anything_else_is_404(string verb, string path)
    {
        var context = Request(verb, path);
        await SessionApiDispatch.DispatchAsync(context, RecordingTable());
        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("route_not_found", ErrorType(context));
        Assert.Empty(_served);
    }

    [Fact]
    public async Task A_literal_route_wins_over_a_template_that_would_also_match()
    {
        // "sessions/migrate" must not be read as GET organizations/{organization_id}-style parameter capture.
        var table = RecordingTable();
        table.Insert(0, new ApiRoute("Shadow", "POST", "v1/b2b/sessions/{anything}", (_, _) => { _served.Add(("Shadow", [])); return Task.CompletedTask; }));
        await SessionApiDispatch.DispatchAsync(Request("POST", "/v1/b2b/sessions/revoke"), table);
        Assert.Equal("RevokeSessions", Assert.Single(_served).Route);
    }
}
