using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace SessionFunctions.Api;

/// <summary>
/// Answers any request from the route table alone: a known route and verb is served by that route's handler, a known
/// path with another verb is 405 <c>method_not_allowed</c> naming the verbs it takes in <c>Allow</c>, anything else 404 <c>route_not_found</c>. The Azure Functions
/// host does not order routes by precedence, so its catch-all function may receive a request meant for another
/// function; through this it still gets the right answer. The Server uses it for what its routes do not take.
/// </summary>
public static class SessionApiDispatch
{
    private static readonly Matcher[] Default = Compile(SessionApiRoutes.All);

    public static Task DispatchAsync(HttpContext context) => DispatchAsync(context, Default);

    /// <summary>Dispatches through <paramref name="routes"/> (tests pass a table of their own).</summary>
    public static Task DispatchAsync(HttpContext context, IReadOnlyList<ApiRoute> routes) => DispatchAsync(context, Compile(routes));

    /// <summary>
    /// Serves a request through the route named <paramref name="routeName"/> (the Azure Function that owns it), with the
    /// values its template reads from the path. A path the template does not match goes through the whole table instead.
    /// </summary>
    public static Task ServeAsync(HttpContext context, string routeName)
    {
        var matcher = Default.FirstOrDefault(m => m.Route.Name == routeName) ?? throw new ArgumentException($"No route is named {routeName}.", nameof(routeName));
        var values = new RouteValueDictionary();
        return matcher.Template.TryMatch(context.Request.Path, values) && HttpMethods.Equals(context.Request.Method, matcher.Route.Verb)
            ? matcher.Route.Handler(context, values)
            : DispatchAsync(context, Default);
    }

    private static Task DispatchAsync(HttpContext context, Matcher[] matchers)
    {
        var path = context.Request.Path;
        List<string>? allowed = null;
        foreach (var matcher in matchers)
        {
            var values = new RouteValueDictionary();
            if (!matcher.Template.TryMatch(path, values)) continue;
            if (HttpMethods.Equals(context.Request.Method, matcher.Route.Verb)) return matcher.Route.Handler(context, values);
            (allowed ??= []).Add(matcher.Route.Verb);
        }
        if (allowed is null) return SessionApi.RouteNotFound(context);
        context.Response.Headers.Allow = string.Join(", ", allowed.Distinct());
        return SessionApi.MethodNotAllowed(context);
    }

    // Literal routes first (fewer parameters first), so "sessions/migrate" is never read as a parameter's value.
    private static Matcher[] Compile(IReadOnlyList<ApiRoute> routes) =>
    [
        .. routes
            .Select(r => (Route: r, Parsed: TemplateParser.Parse(r.Template)))
            .OrderBy(r => r.Parsed.Parameters.Count)
            .Select(r => new Matcher(r.Route, new TemplateMatcher(r.Parsed, new RouteValueDictionary()))),
    ];

    private sealed record Matcher(ApiRoute Route, TemplateMatcher Template);
}
