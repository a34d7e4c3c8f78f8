using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SessionFunctions.Api;

namespace SessionFunctions.Tests.Functions;

/// <summary>
/// Routes requests the way the Functions host does, from the generated functions.metadata: one legacy ASP.NET Core
/// <see cref="Route"/> per HTTP function (its template, an <see cref="HttpMethodRouteConstraint"/> of its verbs, inline
/// constraints through the default resolver) in one <see cref="RouteCollection"/>, first match wins, no precedence
/// (WebScriptHostHttpRoutesManager and WebJobsRouteBuilder in azure-functions-host 4.1037 / webjobs-sdk-extensions).
/// Whatever order the host registers the functions in, every route of the table must run its own function, and only
/// unknown paths and other verbs a catch-all. CI cannot run the real host; scripts/test-host.sh proves the same there.
/// </summary>
public sealed class HostRoutingTests
{
    private static readonly string[] Verbs = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    private sealed record HttpFunction(string Name, string Route, string[] Methods);

    private static readonly HttpFunction[] Functions = Load();

    private static HttpFunction[] Load()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")));
        return
        [
            .. from f in json.RootElement.EnumerateArray()
               from b in f.GetProperty("bindings").EnumerateArray()
               where b.GetProperty("type").GetString() == "httpTrigger"
               select new HttpFunction(f.GetProperty("name").GetString()!, b.GetProperty("route").GetString()!,
                   [.. b.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant())]),
        ];
    }

    private static readonly IServiceProvider Services = new ServiceCollection().AddRouting().AddLogging().BuildServiceProvider();

    /// <summary>The orders the host might register functions in: as generated, reversed, by name, by name descending.</summary>
    public static TheoryData<string> Orders() => ["generated", "reversed", "by-name", "by-name-descending"];

    private static IEnumerable<HttpFunction> Ordered(string order) => order switch
    {
        "generated" => Functions,
        "reversed" => Functions.Reverse(),
        "by-name" => Functions.OrderBy(f => f.Name, StringComparer.Ordinal),
        _ => Functions.OrderByDescending(f => f.Name, StringComparer.Ordinal),
    };

    /// <summary>The host's router: the function that a request for <paramref name="verb"/> <paramref name="path"/> runs, or null (the host's empty 404).</summary>
    private static async Task<string?> HostRunsAsync(string order, string verb, string path)
    {
        var resolver = Services.GetRequiredService<IInlineConstraintResolver>();
        var routes = new RouteCollection();
        foreach (var f in Ordered(order))
        {
            var name = f.Name;
            routes.Add(new Route(new RouteHandler(_ => Task.CompletedTask), name, f.Route, new RouteValueDictionary(),
                new Dictionary<string, object> { ["httpMethod"] = new HttpMethodRouteConstraint(f.Methods) },
                new RouteValueDictionary { ["function"] = name }, resolver));
        }
        var context = new DefaultHttpContext { RequestServices = Services, Request = { Method = verb, Path = path } };
        var routeContext = new RouteContext(context);
        await routes.RouteAsync(routeContext);
        return routeContext.Handler is null ? null : (string)routeContext.RouteData.DataTokens["function"]!;
    }

    private static bool IsCatchAll(string? function) => function is not null && !SessionApiRoutes.All.Any(r => r.Name == function);

    /// <summary>A path for the template, each parameter filled with a value naming it.</summary>
    private static string PathOf(ApiRoute route, string fill = "value-of-") =>
        "/" + string.Join('/', route.Template.Split('/').Select(s => s.StartsWith('{') ? fill + s.Trim('{', '}') : s));

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Every_route_runs_its_own_function_in_any_registration_order(string order)
    {
        foreach (var route in SessionApiRoutes.All)
        {
            // Values that look like other routes' literals, and a trailing slash, must not change the function.
            foreach (var path in new[] { PathOf(route), PathOf(route, "migrate-"), PathOf(route) + "/", PathOf(route).ToUpperInvariant() })
                Assert.Equal((route.Name, path), (await HostRunsAsync(order, route.Verb, path), path));
        }
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Other_verbs_on_a_known_path_run_a_catch_all(string order)
    {
        foreach (var route in SessionApiRoutes.All)
        {
            var path = PathOf(route);
            foreach (var verb in Verbs.Where(v => !SessionApiRoutes.All.Any(r => r.Verb == v && PathOf(r) == path)))
            {
                var ran = await HostRunsAsync(order, verb, path);
                Assert.True(IsCatchAll(ran), $"{verb} {path} ran {ran ?? "no function (the host's empty 404)"}, not a catch-all.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Unknown_paths_run_a_catch_all_for_every_verb(string order)
    {
        string[] paths = ["/v1/b2b/nothing-here", "/v1/b2b/sessions/migrate/extra", "/v1/b2b/organizations/a/members/b/c",
            "/api/v1/b2b/sessions", "/v1//b2b/sessions", "/v1/b2b/sessions/jwks", "/x"];
        foreach (var path in paths)
        foreach (var verb in Verbs)
        {
            var ran = await HostRunsAsync(order, verb, path);
            Assert.True(IsCatchAll(ran), $"{verb} {path} ran {ran ?? "no function (the host's empty 404)"}, not a catch-all.");
        }
    }

    [Fact]
    public void Every_verb_has_exactly_one_catch_all()
    {
        var catchAlls = Functions.Where(f => IsCatchAll(f.Name)).ToList();
        foreach (var verb in Verbs)
            Assert.True(catchAlls.Count(f => f.Methods.Contains(verb)) == 1,
                $"{verb}: {catchAlls.Count(f => f.Methods.Contains(verb))} catch-all functions take it; expected one.");
    }

    [Fact]
    public void No_two_routes_of_one_verb_can_match_the_same_path()
    {
        // The host has no precedence: two templates of one verb that both match a path would make the function that
        // runs depend on registration order (e.g. "sessions/{id}" beside "sessions/migrate"). Refuse such a table.
        foreach (var a in SessionApiRoutes.All)
        foreach (var b in SessionApiRoutes.All.Where(b => b != a && b.Verb == a.Verb))
            Assert.False(Overlap(a.Template, b.Template), $"{a.Verb} {a.Template} and {b.Template} can match the same path.");
    }

    [Fact]
    public void Each_catch_all_template_leaves_exactly_the_routes_of_its_verbs_to_their_functions()
    {
        // The constants in SessionApiRoutes.CatchAll are derived from SessionApiRoutes.All; a route added, removed or changed
        // without them fails here, with the template to paste.
        var wrong = new List<string>();
        foreach (var f in Functions.Where(f => IsCatchAll(f.Name)))
        {
            var sets = f.Methods.Select(v => string.Join('|', TemplatesOf(v))).Distinct().ToList();
            Assert.True(sets.Count == 1, $"{f.Name} takes verbs that routes serve on different paths ({string.Join(", ", f.Methods)}): give each its own catch-all.");
            var expected = ExpectedCatchAllTemplate(TemplatesOf(f.Methods[0]));
            var constant = f.Methods.Length == 1 ? f.Methods[0][..1] + f.Methods[0][1..].ToLowerInvariant() : "Other";
            if (expected != f.Route) wrong.Add($"        public const string {constant} = \"{expected}\";");
        }
        Assert.True(wrong.Count == 0, "The catch-alls' templates do not follow SessionApiRoutes.All. In SessionApiRoutes.CatchAll write:\n" + string.Join('\n', wrong));
    }

    private static List<string> TemplatesOf(string verb) =>
        [.. SessionApiRoutes.All.Where(r => r.Verb == verb).Select(r => r.Template).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>
    /// "{*path}" refused (regex constraint, case-insensitive like the host's matching) for every path one of
    /// <paramref name="templates"/> matches, with or without a trailing slash. A parameter is one non-empty segment.
    /// </summary>
    private static string ExpectedCatchAllTemplate(IReadOnlyList<string> templates)
    {
        if (templates.Count == 0) return "{*path}";
        var paths = templates.Select(t => string.Join('/', t.Split('/').Select(s =>
            s.StartsWith('{') ? (s.Trim('{', '}').All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? "[^/]+" : throw new NotSupportedException($"Template {t}: only plain {{name}} parameters are supported by the catch-all's constraint."))
            : System.Text.RegularExpressions.Regex.Escape(s))));
        return "{*path:regex(^(?!(?:" + string.Join('|', paths) + ")/?$))}";
    }

    private static bool Overlap(string a, string b)
    {
        var x = a.Split('/');
        var y = b.Split('/');
        return x.Length == y.Length && x.Zip(y).All(p => p.First.StartsWith('{') || p.Second.StartsWith('{') ||
            string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase));
    }
}
