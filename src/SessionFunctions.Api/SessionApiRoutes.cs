using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionFunctions.Api.Endpoints;
using SessionFunctions.Api.Http;

namespace SessionFunctions.Api;

/// <summary>
/// The routing table: every route and verb of the API, as data (<see cref="All"/>), each entry naming its endpoint
/// directly. The Server maps it onto Kestrel, each Azure Function serves one entry by name (<see cref="SessionApi.ServeAsync"/>),
/// and <see cref="SessionApiDispatch"/> answers from it whatever request it gets.
/// <para>
/// Adding a route touches five files: a template constant and one line in <see cref="All"/> here; the endpoint (a static
/// method taking <see cref="ApiRequest"/>, with its request body class in the same file) under Endpoints/; the use case
/// in SessionFunctions.Core/Features (a public sealed class with a <c>RunAsync</c> method is registered by convention);
/// the one-line [Function] in SessionFunctions.Functions (a test checks it matches this table); and its test.
/// </para>
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
    public const string RbacPolicy = "v1/b2b/rbac/policy";
    public const string RbacOrganization = "v1/b2b/rbac/organizations/{organization_id}";

    /// <summary>
    /// The catch-all functions' templates (SessionFunctions.Functions/CatchAllFunction.cs). The Functions host matches
    /// routes in registration order, with no precedence, so each verb the table serves has a catch-all that refuses
    /// (regex constraint) exactly the paths that verb's routes take; the verbs no route serves share <see cref="Other"/>.
    /// Derived from <see cref="All"/>: a route added or changed here changes its verb's line (HostRoutingTests fails
    /// with the line to paste).
    /// </summary>
    public static class CatchAll
    {
        public const string Get = "{*path:regex(^(?!(?:v1/b2b/organizations/[^/]+|v1/b2b/organizations/[^/]+/member|v1/b2b/rbac/organizations/[^/]+|v1/b2b/rbac/policy|v1/b2b/sessions|v1/b2b/sessions/jwks/[^/]+)/?$))}";
        public const string Post = "{*path:regex(^(?!(?:v1/b2b/organizations|v1/b2b/organizations/[^/]+/members|v1/b2b/sessions/attest|v1/b2b/sessions/authenticate|v1/b2b/sessions/exchange|v1/b2b/sessions/migrate|v1/b2b/sessions/revoke)/?$))}";
        public const string Put = "{*path:regex(^(?!(?:v1/b2b/organizations/[^/]+|v1/b2b/organizations/[^/]+/members/[^/]+|v1/b2b/rbac/organizations/[^/]+)/?$))}";
        public const string Delete = "{*path:regex(^(?!(?:v1/b2b/organizations/[^/]+|v1/b2b/organizations/[^/]+/members/[^/]+)/?$))}";
        public const string Other = "{*path}";
    }

    /// <summary>Every route: (function name, verb, template, endpoint, access). Route values reach the endpoint by name (<see cref="ApiRequest.Route"/>).</summary>
    public static IReadOnlyList<ApiRoute> All { get; } =
    [
        Route("CreateOrganization", "POST", Organizations, OrganizationEndpoints.Create),
        Route("GetOrganization", "GET", Organization, OrganizationEndpoints.Get),
        Route("UpdateOrganization", "PUT", Organization, OrganizationEndpoints.Update),
        Route("DeleteOrganization", "DELETE", Organization, OrganizationEndpoints.Delete),
        Route("CreateMember", "POST", Members, MemberEndpoints.Create),
        Route("GetMember", "GET", MemberLookup, MemberEndpoints.Get),
        Route("UpdateMember", "PUT", Member, MemberEndpoints.Update),
        Route("DeleteMember", "DELETE", Member, MemberEndpoints.Delete),
        Route("ListSessions", "GET", Sessions, SessionEndpoints.List),
        Route("MigrateSession", "POST", Migrate, SessionEndpoints.Migrate, RouteAccess.RateLimited),
        Route("AuthenticateSession", "POST", Authenticate, SessionEndpoints.Authenticate, RouteAccess.RateLimited),
        Route("ExchangeSession", "POST", Exchange, SessionEndpoints.Exchange, RouteAccess.RateLimited),
        Route("AttestSession", "POST", Attest, AttestEndpoint.Attest, RouteAccess.RateLimited),
        Route("RevokeSessions", "POST", Revoke, SessionEndpoints.Revoke),
        Route("Jwks", "GET", Jwks, SessionEndpoints.Jwks, RouteAccess.Public),
        Route("RbacPolicy", "GET", RbacPolicy, RbacEndpoints.Policy),
        Route("GetOrganizationPolicy", "GET", RbacOrganization, RbacEndpoints.GetOrganizationPolicy),
        Route("SetOrganizationPolicy", "PUT", RbacOrganization, RbacEndpoints.SetOrganizationPolicy),
    ];

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder routes)
    {
        foreach (var route in All)
            routes.MapMethods(route.Template, [route.Verb], c => route.Handler(c, c.Request.RouteValues)).WithDisplayName(route.Name);

        // What no route takes: a known path with another verb is 405, anything else 404, both in Stytch's envelope.
        routes.MapFallback(SessionApiDispatch.DispatchAsync);
        return routes;
    }

    private static ApiRoute Route(string name, string verb, string template, Func<ApiRequest, Task<object>> endpoint, RouteAccess access = RouteAccess.Authenticated) =>
        new(name, verb, template, (context, values) => ApiHandler.RunAsync(context, values, endpoint, access));
}

/// <summary>Who may call a route: with the project's credentials (rate limited or not), or anyone (JWKS).</summary>
public enum RouteAccess { Authenticated, RateLimited, Public }

/// <summary>Serves one route of the API: the Azure Function's name, the HTTP verb, the template and the call.</summary>
public sealed record ApiRoute(string Name, string Verb, string Template, ApiRouteHandler Handler);

/// <summary>Serves a request whose path matched a route, with that route's values (by parameter name).</summary>
public delegate Task ApiRouteHandler(HttpContext context, RouteValueDictionary values);
