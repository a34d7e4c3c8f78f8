using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SessionFunctions.Api;

/// <summary>
/// The routing table: every route and verb of the API, as data (<see cref="All"/>). The Server maps it onto Kestrel,
/// each Azure Function serves one entry, and <see cref="SessionApiDispatch"/> answers from it whatever request it gets.
/// Adding a route is one line in <see cref="All"/> (plus its function in SessionFunctions.Functions; a test checks that).
/// The templates have no leading slash so that the Azure Functions attributes (host.json's route prefix is "") use
/// these same constants.
/// </summary>
public static class SessionApiRoutes
{
    public const string Organizations = "v1/b2b/organizations";
    public const string Organization = "v1/b2b/organizations/{organization_id}";
    public const string Members = "v1/b2b/organizations/{organization_id}/members";
    public const string MemberLookup = "v1/b2b/organizations/{organization_id}/member";
    public const string Member = "v1/b2b/organizations/{organization_id}/members/{member_id}";
    public const string Sessions = "v1/b2b/sessions";
    public const string Migrate = "v1/b2b/sessions/migrate";
    public const string Authenticate = "v1/b2b/sessions/authenticate";
    public const string Exchange = "v1/b2b/sessions/exchange";
    public const string Attest = "v1/b2b/sessions/attest";
    public const string Revoke = "v1/b2b/sessions/revoke";
    public const string Jwks = "v1/b2b/sessions/jwks/{project_id}";

    /// <summary>Every route: (function name, verb, template, handler). Route values reach the handler by name.</summary>
    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        new("CreateOrganization", "POST", Organizations, (c, _) => SessionApi.CreateOrganization(c)),
        new("GetOrganization", "GET", Organization, (c, v) => SessionApi.GetOrganization(c, v.Get("organization_id"))),
        new("UpdateOrganization", "PUT", Organization, (c, v) => SessionApi.UpdateOrganization(c, v.Get("organization_id"))),
        new("CreateMember", "POST", Members, (c, v) => SessionApi.CreateMember(c, v.Get("organization_id"))),
        new("GetMember", "GET", MemberLookup, (c, v) => SessionApi.GetMember(c, v.Get("organization_id"))),
        new("UpdateMember", "PUT", Member, (c, v) => SessionApi.UpdateMember(c, v.Get("organization_id"), v.Get("member_id"))),
        new("DeleteMember", "DELETE", Member, (c, v) => SessionApi.DeleteMember(c, v.Get("organization_id"), v.Get("member_id"))),
        new("ListSessions", "GET", Sessions, (c, _) => SessionApi.ListSessions(c)),
        new("MigrateSession", "POST", Migrate, (c, _) => SessionApi.Migrate(c)),
        new("AuthenticateSession", "POST", Authenticate, (c, _) => SessionApi.Authenticate(c)),
        new("ExchangeSession", "POST", Exchange, (c, _) => SessionApi.Exchange(c)),
        new("AttestSession", "POST", Attest, (c, _) => SessionApi.Attest(c)),
        new("RevokeSessions", "POST", Revoke, (c, _) => SessionApi.Revoke(c)),
        new("Jwks", "GET", Jwks, (c, v) => SessionApi.Jwks(c, v.Get("project_id"))),
    ];

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder routes)
    {
        foreach (var route in All)
            routes.MapMethods(route.Template, [route.Verb], c => route.Handler(c, c.Request.RouteValues)).WithDisplayName(route.Name);

        // What no route takes: a known path with another verb is 405, anything else 404, both in Stytch's envelope.
        routes.MapFallback(SessionApiDispatch.DispatchAsync);
        return routes;
    }

    private static string Get(this RouteValueDictionary values, string name) => values[name] as string ?? "";
}

/// <summary>Serves one route of the API: the Azure Function's name, the HTTP verb, the template and the call.</summary>
public sealed record ApiRoute(string Name, string Verb, string Template, ApiRouteHandler Handler);

/// <summary>Serves a request whose path matched a route, with that route's values (by parameter name).</summary>
public delegate Task ApiRouteHandler(HttpContext context, RouteValueDictionary values);
