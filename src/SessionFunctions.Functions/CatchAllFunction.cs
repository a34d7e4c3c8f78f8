using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SessionFunctions.Api;

namespace SessionFunctions.Functions;

/// <summary>
/// Takes what no route of <see cref="SessionApiRoutes.All"/> takes, so that unknown paths and wrong verbs get Stytch's
/// 404/405 envelope rather than the host's empty 404. The host matches function routes in registration order, with no
/// precedence, so a plain <c>{*path}</c> would shadow every function registered after it. Hence one catch-all per verb
/// the table serves, whose template refuses (regex constraint) exactly the paths of that verb's routes, and one for the
/// verbs no route serves: for any verb and path exactly one function matches, in whatever order the host registers them.
/// The templates are derived from the route table (HostRoutingTests fails, with the template to paste, when they differ).
/// Each dispatches through the route table: 405 with <c>Allow</c> for a known path, else 404.
/// </summary>
public static class CatchAllFunction
{
    public const string Get = "{*path:regex(^(?!(?:v1/b2b/organizations/[^/]+|v1/b2b/organizations/[^/]+/member|v1/b2b/sessions|v1/b2b/sessions/jwks/[^/]+)/?$))}";
    public const string Post = "{*path:regex(^(?!(?:v1/b2b/organizations|v1/b2b/organizations/[^/]+/members|v1/b2b/sessions/authenticate|v1/b2b/sessions/exchange|v1/b2b/sessions/migrate|v1/b2b/sessions/revoke)/?$))}";
    public const string Put = "{*path:regex(^(?!(?:v1/b2b/organizations/[^/]+|v1/b2b/organizations/[^/]+/members/[^/]+)/?$))}";
    public const string Delete = "{*path:regex(^(?!(?:v1/b2b/organizations/[^/]+/members/[^/]+)/?$))}";
    public const string Other = "{*path}";

    [Function("CatchAllGet")]
    public static Task RunGet([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = Get)] HttpRequest req) => Dispatch(req);

    [Function("CatchAllPost")]
    public static Task RunPost([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = Post)] HttpRequest req) => Dispatch(req);

    [Function("CatchAllPut")]
    public static Task RunPut([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = Put)] HttpRequest req) => Dispatch(req);

    [Function("CatchAllDelete")]
    public static Task RunDelete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = Delete)] HttpRequest req) => Dispatch(req);

    [Function("CatchAll")]
    public static Task Run([HttpTrigger(AuthorizationLevel.Anonymous, "patch", "head", "options", Route = Other)] HttpRequest req) => Dispatch(req);

    private static Task Dispatch(HttpRequest req) => SessionApiDispatch.DispatchAsync(req.HttpContext);
}
