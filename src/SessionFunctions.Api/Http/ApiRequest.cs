using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Json;

namespace SessionFunctions.Api.Http;

/// <summary>One API call as a handler sees it: its request id, services, cancellation, and checked access to its input.</summary>
public sealed class ApiRequest(HttpContext context, RouteValueDictionary routeValues, string requestId, int maxBodyBytes)
{
    public HttpContext Context { get; } = context;
    public string RequestId { get; } = requestId;
    public CancellationToken Aborted => Context.RequestAborted;

    public T Service<T>() where T : notnull => Context.RequestServices.GetRequiredService<T>();

    /// <summary>A value of the route's template (<c>{organization_id}</c> and the like), as the path gave it.</summary>
    public string Route(string name) => routeValues[name] as string ?? "";

    /// <summary>
    /// Reads the JSON body into <typeparamref name="T"/>: <c>application/json</c> only, at most the configured size,
    /// no duplicate keys, strict types. An empty body reads as <c>{}</c>, so missing fields are reported by name.
    /// </summary>
    public async Task<T> ReadJsonAsync<T>() where T : new()
    {
        var request = Context.Request;
        if (request.ContentLength > maxBodyBytes) throw new SessionException(ErrorTypes.RequestTooLarge);
        if (request.ContentLength == 0) return new T();
        if (!IsJson(request.ContentType)) throw new SessionException(ErrorTypes.UnsupportedContentType);

        var body = await ReadLimitedAsync(request.Body);
        if (body.Length == 0 || body.AsSpan().Trim(" \t\r\n"u8).IsEmpty) return new T();
        try
        {
            return JsonSerializer.Deserialize<T>(body, SessionJson.Options) ?? throw new SessionException(ErrorTypes.BadRequest, "The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw Describe(e);
        }
    }

    /// <summary>A query parameter given at most once; null when absent or empty.</summary>
    public string? Query(string name)
    {
        var values = Context.Request.Query[name];
        if (values.Count > 1) throw new SessionException(ErrorTypes.InvalidArgument, $"{name} may be given only once.");
        return string.IsNullOrEmpty(values.ToString()) ? null : values.ToString();
    }

    public string RequiredQuery(string name) =>
        Query(name) ?? throw new SessionException(ErrorTypes.InvalidArgument, $"{name} is required.");

    public static T Required<T>(T? value, string name) where T : class =>
        value is string { Length: 0 } || value is null ? throw new SessionException(ErrorTypes.InvalidArgument, $"{name} is required.") : value;

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    private async Task<byte[]> ReadLimitedAsync(Stream body)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, Aborted)) > 0)
        {
            if (buffer.Length + read > maxBodyBytes) throw new SessionException(ErrorTypes.RequestTooLarge);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Broken JSON is a bad_request; well-formed JSON with a field of the wrong type names the field.</summary>
    private static SessionException Describe(JsonException e)
    {
        var field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        return e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) && field is not null
            ? new SessionException(ErrorTypes.InvalidArgument, $"{field} has the wrong type.")
            : e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)
                ? new SessionException(ErrorTypes.BadRequest, "The request body has a duplicate key.")
                : new SessionException(ErrorTypes.BadRequest, "The request body is not valid JSON.");
    }
}
