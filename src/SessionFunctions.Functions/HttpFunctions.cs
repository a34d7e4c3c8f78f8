using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SessionFunctions.Api;

namespace SessionFunctions.Functions;

/// <summary>
/// One function per route of <see cref="SessionApiRoutes"/>, same template (host.json sets routePrefix "") and verb.
/// Each call writes the whole response itself (status, JSON, Stytch error envelope), so the functions return a plain
/// <see cref="Task"/>. Route values bind by parameter name, hence the snake_case parameters. Anonymous at the Functions
/// level: the API checks HTTP Basic (project_id:secret) itself.
/// </summary>
public static class HttpFunctions
{
    [Function("CreateOrganization")]
    public static Task CreateOrganization(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Organizations)] HttpRequest req) =>
        SessionApi.CreateOrganization(req.HttpContext);

    [Function("GetOrganization")]
    public static Task GetOrganization(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.Organization)] HttpRequest req,
        string organization_id) =>
        SessionApi.GetOrganization(req.HttpContext, organization_id);

    [Function("UpdateOrganization")]
    public static Task UpdateOrganization(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = SessionApiRoutes.Organization)] HttpRequest req,
        string organization_id) =>
        SessionApi.UpdateOrganization(req.HttpContext, organization_id);

    [Function("CreateMember")]
    public static Task CreateMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Members)] HttpRequest req,
        string organization_id) =>
        SessionApi.CreateMember(req.HttpContext, organization_id);

    [Function("GetMember")]
    public static Task GetMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.MemberLookup)] HttpRequest req,
        string organization_id) =>
        SessionApi.GetMember(req.HttpContext, organization_id);

    [Function("UpdateMember")]
    public static Task UpdateMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = SessionApiRoutes.Member)] HttpRequest req,
        string organization_id,
        string member_id) =>
        SessionApi.UpdateMember(req.HttpContext, organization_id, member_id);

    [Function("DeleteMember")]
    public static Task DeleteMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = SessionApiRoutes.Member)] HttpRequest req,
        string organization_id,
        string member_id) =>
        SessionApi.DeleteMember(req.HttpContext, organization_id, member_id);

    [Function("ListSessions")]
    public static Task ListSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.Sessions)] HttpRequest req) =>
        SessionApi.ListSessions(req.HttpContext);

    [Function("MigrateSession")]
    public static Task MigrateSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Migrate)] HttpRequest req) =>
        SessionApi.Migrate(req.HttpContext);

    [Function("AuthenticateSession")]
    public static Task AuthenticateSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Authenticate)] HttpRequest req) =>
        SessionApi.Authenticate(req.HttpContext);

    [Function("ExchangeSession")]
    public static Task ExchangeSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Exchange)] HttpRequest req) =>
        SessionApi.Exchange(req.HttpContext);

    [Function("AttestSession")]
    public static Task AttestSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Attest)] HttpRequest req) =>
        SessionApi.Attest(req.HttpContext);

    [Function("RevokeSessions")]
    public static Task RevokeSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Revoke)] HttpRequest req) =>
        SessionApi.Revoke(req.HttpContext);

    [Function("Jwks")]
    public static Task Jwks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.Jwks)] HttpRequest req,
        string project_id) =>
        SessionApi.Jwks(req.HttpContext, project_id);
}
