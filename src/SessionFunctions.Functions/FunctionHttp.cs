using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Primitives;
using SessionFunctions.Api;

namespace SessionFunctions.Functions;

/// <summary>
/// Serves an HTTP trigger's request, which the host hands over whole inside its invocation message (the Functions
/// built-in HTTP model: no proxy hop, no second Kestrel in the worker), through the same API pipeline as the Server:
/// the request becomes an in-memory <see cref="HttpContext"/> with the invocation's services and cancellation, and what
/// the API wrote (status, headers, JSON) becomes the function's response.
/// </summary>
public static class FunctionHttp
{
    /// <summary>Serves <paramref name="request"/> through the route named <paramref name="routeName"/> (the function's own).</summary>
    public static Task<HttpResponseData> ServeAsync(HttpRequestData request, string routeName) =>
        RunAsync(request, context => SessionApiDispatch.ServeAsync(context, routeName));

    /// <summary>Answers a request no route's function took: 405 with <c>Allow</c> for a known path, else 404.</summary>
    public static Task<HttpResponseData> DispatchAsync(HttpRequestData request) => RunAsync(request, SessionApiDispatch.DispatchAsync);

    private static async Task<HttpResponseData> RunAsync(HttpRequestData request, Func<HttpContext, Task> serve)
    {
        var context = ToHttpContext(request);
        // The host passes a body on only when the request states its length (ToRpcHttp in azure-functions-host): a
        // chunked body arrives empty, and read as {} it would be answered as if its fields were missing.
        await (BodyWasDropped(request) ? SessionApi.LengthRequired(context) : serve(context));
        var response = request.CreateResponse((HttpStatusCode)context.Response.StatusCode);
        foreach (var (name, values) in context.Response.Headers)
            response.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        response.Body = context.Response.Body; // the worker rewinds it and sends it back in the invocation's result
        return response;
    }

    private static bool BodyWasDropped(HttpRequestData request) =>
        request.Headers.NonValidated.Contains("Transfer-Encoding") && request.Body.Length == 0;

    /// <summary>
    /// The request as ASP.NET Core sees it. The host sends the path escaped in the URL (PathString's own form, so
    /// <c>%2F</c> inside a segment stays one segment), every header under its name in lower case with its values
    /// joined as one, and the body as bytes. It sends no client address: <see cref="HttpContext.Connection"/> has
    /// none, and the per-client limits read <c>X-Forwarded-For</c> as <c>Api__RateLimit__TrustedProxies</c> says.
    /// </summary>
    internal static DefaultHttpContext ToHttpContext(HttpRequestData request)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = request.FunctionContext.InstanceServices,
            RequestAborted = request.FunctionContext.CancellationToken,
        };
        var url = request.Url;
        var http = context.Request;
        http.Method = request.Method;
        http.Scheme = url.Scheme;
        http.Host = HostString.FromUriComponent(url);
        http.Path = PathString.FromUriComponent(url);
        http.QueryString = QueryString.FromUriComponent(url);
        foreach (var (name, values) in request.Headers.NonValidated)
            http.Headers.Append(name, values.Count == 1 ? new StringValues(values.ToString()) : new StringValues([.. values]));
        http.Body = request.Body;
        context.Response.Body = new MemoryStream();
        return context;
    }
}
