using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using SessionFunctions.Api;

namespace SessionFunctions.Functions;

/// <summary>
/// One function per route of <see cref="SessionApiRoutes"/>, same name, template (host.json sets routePrefix "") and
/// verb, each a single call that serves the request through the route of its own name (route values are read from the
/// path by the route's template) and answers what the API wrote (status, headers, JSON or Stytch's error envelope;
/// <see cref="FunctionHttp"/>). Anonymous at the Functions level: the API checks HTTP Basic
/// (project_id:secret) itself.
/// </summary>
public static class HttpFunctions
{
    [Function(nameof(CreateOrganization))]
    public static Task<HttpResponseData> CreateOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Organizations)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(CreateOrganization));

    [Function(nameof(GetOrganization))]
    public static Task<HttpResponseData> GetOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.Organization)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(GetOrganization));

    [Function(nameof(UpdateOrganization))]
    public static Task<HttpResponseData> UpdateOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = SessionApiRoutes.Organization)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(UpdateOrganization));

    [Function(nameof(DeleteOrganization))]
    public static Task<HttpResponseData> DeleteOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = SessionApiRoutes.Organization)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(DeleteOrganization));

    [Function(nameof(CreateMember))]
    public static Task<HttpResponseData> CreateMember([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Members)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(CreateMember));

    [Function(nameof(GetMember))]
    public static Task<HttpResponseData> GetMember([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.MemberLookup)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(GetMember));

    [Function(nameof(UpdateMember))]
    public static Task<HttpResponseData> UpdateMember([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = SessionApiRoutes.Member)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(UpdateMember));

    [Function(nameof(DeleteMember))]
    public static Task<HttpResponseData> DeleteMember([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = SessionApiRoutes.Member)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(DeleteMember));

    [Function(nameof(ListSessions))]
    public static Task<HttpResponseData> ListSessions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.Sessions)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(ListSessions));

    [Function(nameof(MigrateSession))]
    public static Task<HttpResponseData> MigrateSession([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Migrate)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(MigrateSession));

    [Function(nameof(AuthenticateSession))]
    public static Task<HttpResponseData> AuthenticateSession([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Authenticate)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(AuthenticateSession));

    [Function(nameof(ExchangeSession))]
    public static Task<HttpResponseData> ExchangeSession([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Exchange)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(ExchangeSession));

    [Function(nameof(AttestSession))]
    public static Task<HttpResponseData> AttestSession([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Attest)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(AttestSession));

    [Function(nameof(RevokeSessions))]
    public static Task<HttpResponseData> RevokeSessions([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Revoke)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(RevokeSessions));

    [Function(nameof(Jwks))]
    public static Task<HttpResponseData> Jwks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.Jwks)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(Jwks));

    [Function(nameof(RbacPolicy))]
    public static Task<HttpResponseData> RbacPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.RbacPolicy)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(RbacPolicy));

    [Function(nameof(GetOrganizationPolicy))]
    public static Task<HttpResponseData> GetOrganizationPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.RbacOrganization)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(GetOrganizationPolicy));

    [Function(nameof(SetOrganizationPolicy))]
    public static Task<HttpResponseData> SetOrganizationPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = SessionApiRoutes.RbacOrganization)] HttpRequestData req) => FunctionHttp.ServeAsync(req, nameof(SetOrganizationPolicy));
}
