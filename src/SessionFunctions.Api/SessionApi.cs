using Microsoft.AspNetCore.Http;
using SessionFunctions.Api.Http;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Api;

/// <summary>
/// The API's entry points for hosts that serve one route at a time: each Azure Function is a one-line call to
/// <see cref="ServeAsync"/> with its own name; the Server maps <see cref="SessionApiRoutes.All"/> directly.
/// </summary>
public static class SessionApi
{
    /// <summary>Serves <paramref name="request"/> through the route named <paramref name="routeName"/> in <see cref="SessionApiRoutes.All"/>.</summary>
    public static Task ServeAsync(HttpRequest request, string routeName) => SessionApiDispatch.ServeAsync(request.HttpContext, routeName);

    public static Task RouteNotFound(HttpContext context) => ApiHandler.WriteErrorAsync(context, ErrorTypes.RouteNotFound);
    public static Task MethodNotAllowed(HttpContext context) => ApiHandler.WriteErrorAsync(context, ErrorTypes.MethodNotAllowed);
}
