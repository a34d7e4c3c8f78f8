using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.Extensions.Primitives;
using SessionFunctions.Api;
using SessionFunctions.Api.Http;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Functions;

/// <summary>
/// Serves an HTTP trigger's request, which the host hands over whole inside its invocation message (the Functions
/// built-in HTTP model: no proxy hop, no second Kestrel in the worker), through the same API pipeline as the Server:
/// the request becomes an in-memory <see cref="HttpContext"/> with the invocation's services and cancellation, and what
/// the API wrote (status, headers, JSON) becomes the function's response.
/// </summary>
public static class FunctionHttp
{
    private const string CatchAllParameter = "path";
    private static readonly Dictionary<string, string[]> Templates = SessionApiRoutes.All.ToDictionary(r => r.Name, r => r.Template.Split('/'));

    /// <summary>Serves <paramref name="request"/> through the route named <paramref name="routeName"/> (the function's own).</summary>
    public static Task<HttpResponseData> ServeAsync(HttpRequestData request, string routeName) =>
        RunAsync(request, Templates[routeName], context => BodyWasDropped(request, context)
            ? ApiHandler.WriteErrorAsync(context, ErrorTypes.LengthRequired)
            : SessionApiDispatch.ServeAsync(context, routeName));

    /// <summary>Answers a request no route's function took (a catch-all, <c>{*path}</c>): 405 with <c>Allow</c> for a known path, else 404.</summary>
    public static Task<HttpResponseData> DispatchAsync(HttpRequestData request) =>
        RunAsync(request, ["{*" + CatchAllParameter + "}"], SessionApiDispatch.DispatchAsync);

    private static async Task<HttpResponseData> RunAsync(HttpRequestData request, string[] template, Func<HttpContext, Task> serve)
    {
        var context = NewContext(request);
        if (TryRead(request, template, context.Request)) await serve(context);
        else await ApiHandler.WriteErrorAsync(context, ErrorTypes.BadRequest);
        if (context.RequestAborted.IsCancellationRequested && context.Response.Body.Length == 0)
            await ApiHandler.WriteErrorAsync(context, ErrorTypes.ServerUnavailable); // never a silent, empty 200

        var response = request.CreateResponse((HttpStatusCode)context.Response.StatusCode);
        foreach (var (name, values) in context.Response.Headers)
            response.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        response.Body = context.Response.Body; // the worker rewinds it and sends it back in the invocation's result
        return response;
    }

    private static DefaultHttpContext NewContext(HttpRequestData request)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = request.FunctionContext.InstanceServices,
            RequestAborted = request.FunctionContext.CancellationToken,
        };
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>
    /// The request as ASP.NET Core sees it on the Server. The path is the function's template filled with the route
    /// values the host matched: they come from the path exactly as the host's Kestrel decoded it, once, as the Server's
    /// do. The host's URL cannot stand in for it: it writes that decoded path out again without escaping a literal
    /// <c>%</c>, so decoding it a second time would read <c>%2500</c> as a NUL and <c>%2541</c> as <c>A</c>. Headers
    /// arrive under lower-case names with their values joined as one, and there is no client address (the per-client
    /// limits read <c>X-Forwarded-For</c> as <c>Api__RateLimit__TrustedProxies</c> says). False when the URL or a
    /// route value cannot be read.
    /// </summary>
    private static bool TryRead(HttpRequestData request, string[] template, HttpRequest http)
    {
        http.Method = request.Method;
        foreach (var (name, values) in request.Headers.NonValidated)
            http.Headers.Append(name, values.Count == 1 ? new StringValues(values.ToString()) : new StringValues([.. values]));
        Uri url;
        try
        {
            url = request.Url; // parsed on first use: an empty Host header leaves no URL to parse
        }
        catch (UriFormatException)
        {
            return false;
        }
        http.Scheme = url.Scheme;
        http.QueryString = QueryString.FromUriComponent(url);
        var route = request.FunctionContext.BindingContext.BindingData;
        var segments = new List<string>(template.Length);
        foreach (var segment in template)
        {
            if (!segment.StartsWith('{')) segments.Add(segment);
            else if (route.TryGetValue(ParameterName(segment), out var value) && value is string { Length: > 0 } text) segments.Add(text);
            else return false;
        }
        http.Path = new PathString("/" + string.Join('/', segments));
        http.Body = new DeferredBody(request);
        return true;
    }

    private static string ParameterName(string segment) => segment.Trim('{', '}').TrimStart('*').Split(':')[0];

    /// <summary>
    /// The host passes a body on only when the request states its length (ToRpcHttp in azure-functions-host): a chunked
    /// body, or an HTTP/2 one sent without Content-Length, arrives empty, and read as <c>{}</c> it would be answered as if
    /// its fields were missing (an update as a no-op). The routes that read bodies are POST and PUT.
    /// </summary>
    private static bool BodyWasDropped(HttpRequestData request, HttpContext context) =>
        (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method))
        && context.Request.ContentLength is null && request.Body.Length == 0;

    /// <summary>The invocation's body, copied out of the message only when the API reads it (not for a 413 or a 401).</summary>
    private sealed class DeferredBody(HttpRequestData request) : Stream
    {
        private Stream? _body;
        private Stream Body => _body ??= request.Body;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => Body.Length;
        public override long Position { get => Body.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Body.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Body.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Body.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
