using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using SessionFunctions.Api;

namespace SessionFunctions.Functions;

/// <summary>
/// Takes what no route of <see cref="SessionApiRoutes.All"/> takes, so that unknown paths and wrong verbs get Stytch's
/// 404/405 envelope rather than the host's empty 404. The host matches function routes in registration order, with no
/// precedence, so a plain <c>{*path}</c> would shadow every function registered after it. Hence one catch-all per verb
/// the table serves, whose template refuses (regex constraint) exactly the paths of that verb's routes, and one for the
/// verbs no route serves: for any verb and path exactly one function matches, in whatever order the host registers them.
/// The templates live beside the route table (<see cref="SessionApiRoutes.CatchAll"/>).
/// Each dispatches through the route table: 405 with <c>Allow</c> for a known path, else 404.
/// </summary>
public static class CatchAllFunction
{
    [Function("CatchAllGet")]
    public static Task<HttpResponseData> RunGet([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SessionApiRoutes.CatchAll.Get)] HttpRequestData req) => FunctionHttp.DispatchAsync(req);

    [Function("CatchAllPost")]
    public static Task<HttpResponseData> RunPost([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = SessionApiRoutes.CatchAll.Post)] HttpRequestData req) => FunctionHttp.DispatchAsync(req);

    [Function("CatchAllPut")]
    public static Task<HttpResponseData> RunPut([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = SessionApiRoutes.CatchAll.Put)] HttpRequestData req) => FunctionHttp.DispatchAsync(req);

    [Function("CatchAllDelete")]
    public static Task<HttpResponseData> RunDelete([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = SessionApiRoutes.CatchAll.Delete)] HttpRequestData req) => FunctionHttp.DispatchAsync(req);

    [Function("CatchAll")]
    public static Task<HttpResponseData> Run([HttpTrigger(AuthorizationLevel.Anonymous, "patch", "head", "options", Route = SessionApiRoutes.CatchAll.Other)] HttpRequestData req) => FunctionHttp.DispatchAsync(req);
}
