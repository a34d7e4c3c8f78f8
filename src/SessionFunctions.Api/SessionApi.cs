using Microsoft.AspNetCore.Http;
using SessionFunctions.Api.Endpoints;
using SessionFunctions.Api.Http;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Api;

/// <summary>
/// The whole API as one call per route, the same for every host: the Server maps these onto Kestrel routes
/// (<see cref="SessionApiRoutes"/>) and each Azure Function is a one-line call to one of them.
/// </summary>
public static class SessionApi
{
    public static Task CreateOrganization(HttpContext context) => ApiHandler.RunAsync(context, OrganizationEndpoints.Create);
    public static Task GetOrganization(HttpContext context, string organizationId) => ApiHandler.RunAsync(context, r => OrganizationEndpoints.Get(r, organizationId));
    public static Task UpdateOrganization(HttpContext context, string organizationId) => ApiHandler.RunAsync(context, r => OrganizationEndpoints.Update(r, organizationId));
    public static Task CreateMember(HttpContext context, string organizationId) => ApiHandler.RunAsync(context, r => MemberEndpoints.Create(r, organizationId));
    public static Task GetMember(HttpContext context, string organizationId) => ApiHandler.RunAsync(context, r => MemberEndpoints.Get(r, organizationId));
    public static Task UpdateMember(HttpContext context, string organizationId, string memberId) => ApiHandler.RunAsync(context, r => MemberEndpoints.Update(r, organizationId, memberId));
    public static Task DeleteMember(HttpContext context, string organizationId, string memberId) => ApiHandler.RunAsync(context, r => MemberEndpoints.Delete(r, organizationId, memberId));
    public static Task Migrate(HttpContext context) => ApiHandler.RunAsync(context, SessionEndpoints.Migrate, rateLimited: true);
    public static Task Exchange(HttpContext context) => ApiHandler.RunAsync(context, SessionEndpoints.Exchange, rateLimited: true);
    public static Task Attest(HttpContext context) => ApiHandler.RunAsync(context, AttestEndpoint.Attest, rateLimited: true);
    public static Task Authenticate(HttpContext context) => ApiHandler.RunAsync(context, SessionEndpoints.Authenticate, rateLimited: true);
    public static Task ListSessions(HttpContext context) => ApiHandler.RunAsync(context, SessionEndpoints.List);
    public static Task Revoke(HttpContext context) => ApiHandler.RunAsync(context, SessionEndpoints.Revoke);
    public static Task Jwks(HttpContext context, string projectId) => ApiHandler.RunAsync(context, r => SessionEndpoints.Jwks(r, projectId), authenticate: false);
    public static Task RouteNotFound(HttpContext context) => ApiHandler.WriteErrorAsync(context, ErrorTypes.RouteNotFound);
    public static Task MethodNotAllowed(HttpContext context) => ApiHandler.WriteErrorAsync(context, ErrorTypes.MethodNotAllowed);
}
