using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace SessionFunctions.Functions;

/// <summary>
/// Reads to its end whatever request body a function left unread (a 413 for a body past Api__MaxRequestBodyBytes, a 401,
/// a 404 from a catch-all), before the answer leaves the worker. The host proxies every request to this worker and
/// sends the whole body first; a worker that answers and stops reading makes its Kestrel close the connection under
/// the host (past its 30,000,000-byte limit it cannot even drain), the host's proxy breaks with a broken pipe and the
/// client gets an empty 500 instead of the answer. The limit is lifted for these requests only: they come from the host,
/// which caps bodies itself (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, 104,857,600 bytes by default); the API keeps its own.
/// </summary>
public sealed class DrainRequestBody : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http?.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = null;
        try
        {
            await next(context);
        }
        finally
        {
            if (http is not null) await DrainAsync(http);
        }
    }

    /// <summary>Reads and drops the rest of the body; a client that went away ends it quietly.</summary>
    public static async Task DrainAsync(HttpContext http)
    {
        try
        {
            await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException or InvalidOperationException)
        {
            // The connection is gone or the body cannot be read again: nothing left to keep open.
        }
    }
}
