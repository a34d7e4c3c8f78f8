using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SessionFunctions.Api;

namespace SessionFunctions.Functions;

/// <summary>
/// One function per route of <see cref="SessionApiRoutes"/>, same name, template (host.json sets routePrefix "") and
/// verb, each a single call that serves the request through the route of its own name (route values are read from the
/// path by the route's template). Each call writes the whole response itself (status, JSON, Stytch error envelope), so
/// the functions return a plain <see cref="Task"/>. Anonymous at the Functions level: the API checks HTTP Basic
/// (project_id:secret) itself.
/// </summary>
public static class HttpFunctions
{
    [Function(nameof(CreateOrganization))]
    public static Task CreateOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Organizations)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(CreateOrganization));

    [Function(nameof(GetOrganization))]
    public static Task GetOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.Organization)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(GetOrganization));

    [Function(nameof(UpdateOrganization))]
    public static Task UpdateOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = SessionApiRoutes.Organization)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(UpdateOrganization));

    [Function(nameof(DeleteOrganization))]
    public static Task DeleteOrganization([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = SessionApiRoutes.Organization)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(DeleteOrganization));

    [Function(nameof(CreateMember))]
    public static Task CreateMember([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Members)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(CreateMember));

    [Function(nameof(GetMember))]
    public static Task GetMember([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.MemberLookup)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(GetMember));

    [Function(nameof(UpdateMember))]
    public static Task UpdateMember([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = SessionApiRoutes.Member)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(UpdateMember));

    [Function(nameof(DeleteMember))]
    public static Task DeleteMember([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = SessionApiRoutes.Member)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(DeleteMember));

    [Function(nameof(ListSessions))]
    public static Task ListSessions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.Sessions)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(ListSessions));

    [Function(nameof(MigrateSession))]
    public static Task MigrateSession([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Migrate)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(MigrateSession));

    [Function(nameof(AuthenticateSession))]
    public static Task AuthenticateSession([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Authenticate)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(AuthenticateSession));

    [Function(nameof(ExchangeSession))]
    public static Task ExchangeSession([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Exchange)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(ExchangeSession));

    [Function(nameof(AttestSession))]
    public static Task AttestSession([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Attest)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(AttestSession));

    [Function(nameof(RevokeSessions))]
    public static Task RevokeSessions([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.Revoke)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(RevokeSessions));

    [Function(nameof(Jwks))]
    public static Task Jwks([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.Jwks)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(Jwks));

    [Function(nameof(RbacPolicy))]
    public static Task RbacPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.RbacPolicy)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(RbacPolicy));

    [Function(nameof(GetOrganizationPolicy))]
    public static Task GetOrganizationPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.RbacOrganization)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(GetOrganizationPolicy));

    [Function(nameof(SetOrganizationPolicy))]
    public static Task SetOrganizationPolicy([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = SessionApiRoutes.RbacOrganization)] HttpRequest req) => SessionApi.ServeAsync(req, nameof(SetOrganizationPolicy));
}
