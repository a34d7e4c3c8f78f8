using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SessionFunctions.Api;

/// <summary>
/// The routing table: every route and verb of the API, in one list. The templates have no leading slash so that the
/// Azure Functions attributes (whose host.json route prefix is "") use these same constants.
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
    public const string Revoke = "v1/b2b/sessions/revoke";
    public const string Jwks = "v1/b2b/sessions/jwks/{project_id}";

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Organizations, SessionApi.CreateOrganization);
        routes.MapGet(Organization, (HttpContext c, string organization_id) => SessionApi.GetOrganization(c, organization_id));
        routes.MapPut(Organization, (HttpContext c, string organization_id) => SessionApi.UpdateOrganization(c, organization_id));
        routes.MapPost(Members, (HttpContext c, string organization_id) => SessionApi.CreateMember(c, organization_id));
        routes.MapGet(MemberLookup, (HttpContext c, string organization_id) => SessionApi.GetMember(c, organization_id));
        routes.MapPut(Member, (HttpContext c, string organization_id, string member_id) => SessionApi.UpdateMember(c, organization_id, member_id));
        routes.MapDelete(Member, (HttpContext c, string organization_id, string member_id) => SessionApi.DeleteMember(c, organization_id, member_id));
        routes.MapGet(Sessions, SessionApi.ListSessions);
        routes.MapPost(Migrate, SessionApi.Migrate);
        routes.MapPost(Authenticate, SessionApi.Authenticate);
        routes.MapPost(Exchange, SessionApi.Exchange);
        routes.MapPost(Revoke, SessionApi.Revoke);
        routes.MapGet(Jwks, (HttpContext c, string project_id) => SessionApi.Jwks(c, project_id));

        // A known path with another verb is 405; anything else is 404. Both in Stytch's error envelope.
        foreach (var path in new[] { Organizations, Organization, Members, MemberLookup, Member, Sessions, Migrate, Authenticate, Exchange, Revoke, Jwks })
            routes.Map(path, SessionApi.MethodNotAllowed).WithOrder(1);
        routes.MapFallback(SessionApi.RouteNotFound);
        return routes;
    }
}
