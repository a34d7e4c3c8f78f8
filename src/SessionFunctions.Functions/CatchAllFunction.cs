using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SessionFunctions.Api;

namespace SessionFunctions.Functions;

/// <summary>
/// Takes every request no other function takes, so that unknown paths and wrong verbs get Stytch's 404/405 envelope
/// rather than the host's empty 404. The host does not order routes by precedence and may hand this function a request
/// meant for another one (it was seen taking <c>POST /v1/b2b/sessions/revoke</c>), so it dispatches through the same
/// route table: a known route and verb is served by that route's handler, whichever function the host picked.
/// </summary>
public static class CatchAllFunction
{
    public const string Route = "{*path}";

    [Function("CatchAll")]
    public static Task Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", "head", "options", Route = Route)] HttpRequest req) =>
        SessionApiDispatch.DispatchAsync(req.HttpContext);
}
