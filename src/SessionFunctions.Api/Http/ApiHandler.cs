using System.Text.Json;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;

namespace SessionFunctions.Api.Http;

/// <summary>
/// Runs one API call, the same way in every host: start the cost counter, check Basic auth, then the rate limits, call
/// the handler, write its JSON, and turn every failure into Stytch's error envelope. Storage that does not answer is a
/// 503; a failure nobody anticipated is a logged 500 that names nothing internal.
/// </summary>
public static class ApiHandler
{
    public static async Task RunAsync(HttpContext context, RouteValueDictionary values, Func<ApiRequest, Task<object>> handler, RouteAccess access)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var request = new ApiRequest(context, values, services.GetRequiredService<IdFormat>().NewRequestId(), options.MaxRequestBodyBytes);
        var costs = RequestCosts.Begin();
        object body;
        int status;
        try
        {
            if (HeaderBytes(context.Request) > options.MaxRequestHeaderBytes) throw new SessionException(ErrorTypes.HeadersTooLarge);
            // Credentials first: only authenticated calls spend the project's permits; failures spend their address's own.
            if (access != RouteAccess.Public && !services.GetRequiredService<BasicAuth>().Accepts(context.Request))
                services.GetRequiredService<ApiRateLimiter>().RefuseCredentials(context);
            if (access == RouteAccess.RateLimited) services.GetRequiredService<ApiRateLimiter>().Acquire(context);
            body = await handler(request);
            status = StatusCodes.Status200OK;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away; nobody is left to answer
        }
        catch (Exception e)
        {
            var (type, message) = Classify(e, services.GetRequiredService<ILoggerFactory>().CreateLogger("SessionFunctions.Api"), Route(context));
            status = ErrorStatus.Of(type.Kind);
            body = Error(status, request.RequestId, type, message);
            if (e is SessionException { RetryAfter: { } retryAfter })
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (options.ExposeRequestCosts) context.Response.Headers["X-Request-Cost"] = costs.ToString();
        ApiTelemetry.Record(context, costs, body);
        await WriteAsync(context.Response, status, body);
    }

    /// <summary>Answers with the error envelope directly (unknown routes, wrong verbs).</summary>
    public static Task WriteErrorAsync(HttpContext context, ErrorType type)
    {
        var status = ErrorStatus.Of(type.Kind);
        var requestId = context.RequestServices.GetRequiredService<IdFormat>().NewRequestId();
        return WriteAsync(context.Response, status, Error(status, requestId, type, type.Message));
    }

    private static long HeaderBytes(HttpRequest request)
    {
        long total = 0;
        foreach (var (name, values) in request.Headers) total += name.Length + values.Sum(v => v?.Length ?? 0);
        return total;
    }

    private static ErrorResponse Error(int status, string requestId, ErrorType type, string message) =>
        new(status, requestId, type.Value, message, $"https://stytch.com/docs/api-reference/b2b/api/errors/{status}#{type.Value}");

    /// <summary>
    /// The route a request took, for logs: its template and verb, never the path itself, whose segments may be an email
    /// (an external id) or another caller-chosen value.
    /// </summary>
    private static string Route(HttpContext context) =>
        $"{context.Request.Method} {(context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.GetEndpoint()?.DisplayName ?? "(no route)"}";

    private static (ErrorType, string) Classify(Exception e, ILogger log, string path)
    {
        switch (e)
        {
            case SessionException s:
                if (s.Type.Kind is ErrorKind.Unavailable or ErrorKind.BadGateway)
                    log.LogWarning("{Route} failed with {ErrorType}: {Message}", path, s.Type.Value, s.Message);
                return (s.Type, s.Message);
            case RequestFailedException r when r.Status is 0 or 408 or 429 or >= 500:
            case TimeoutException or HttpRequestException or TaskCanceledException:
            // Azure.Core reports a failure that survived its retries as an AggregateException of the attempts.
            case AggregateException a when a.InnerExceptions.All(i => i is RequestFailedException or HttpRequestException or TaskCanceledException):
                log.LogWarning("{Route}: a backing service did not answer ({Error}).", path, e.GetType().Name);
                return (ErrorTypes.ServerUnavailable, ErrorTypes.ServerUnavailable.Message);
            default:
                log.LogError(e, "{Route} failed unexpectedly.", path);
                return (ErrorTypes.InternalServerError, ErrorTypes.InternalServerError.Message);
        }
    }

    private static async Task WriteAsync(HttpResponse response, int status, object body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), SessionJson.Options);
    }
}
