using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Moq;

namespace SessionFunctions.Tests.Functions;

/// <summary>
/// An HTTP trigger's request as the Functions worker builds it from the host's invocation message (GrpcHttpRequestData in
/// azure-functions-dotnet-worker): the URL the host writes (scheme, host, escaped path and query), headers under
/// lower-case names with their values joined by commas, the body as bytes. The function context is a mock, the one seam
/// here that needs the host: it carries the invocation's services and cancellation.
/// </summary>
internal sealed class InvocationRequest : HttpRequestData
{
    private readonly Stream _body;

    public InvocationRequest(IServiceProvider services, string method, string pathAndQuery, string? body = null,
        IDictionary<string, string>? headers = null, string? contentType = "application/json", CancellationToken cancellation = default)
        : base(Context(services, cancellation))
    {
        Method = method;
        Url = new Uri("http://127.0.0.1:7071" + pathAndQuery);
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        _body = new MemoryStream(bytes);
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["host"] = "127.0.0.1:7071" };
        if (body is not null) all["content-length"] = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (body is not null && contentType is not null) all["content-type"] = contentType;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) all[name] = value;
        Headers = new HttpHeadersCollection(all.Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value)));
    }

    private static FunctionContext Context(IServiceProvider services, CancellationToken cancellation)
    {
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.InstanceServices).Returns(services);
        context.SetupGet(c => c.CancellationToken).Returns(cancellation);
        return context.Object;
    }

    public override Stream Body => _body;
    public override HttpHeadersCollection Headers { get; }
    public override IReadOnlyCollection<IHttpCookie> Cookies => [];
    public override Uri Url { get; }
    public override IEnumerable<ClaimsIdentity> Identities => [];
    public override string Method { get; }
    public override HttpResponseData CreateResponse() => new InvocationResponse(FunctionContext);

    private sealed class InvocationResponse(FunctionContext context) : HttpResponseData(context)
    {
        public override HttpStatusCode StatusCode { get; set; } = HttpStatusCode.OK;
        public override HttpHeadersCollection Headers { get; set; } = new();
        public override Stream Body { get; set; } = new MemoryStream();
        public override HttpCookies Cookies => throw new NotSupportedException();
    }
}

/// <summary>What a function answered, read the way the worker sends it back (its body from the start).</summary>
internal sealed record InvocationAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public static InvocationAnswer Read(HttpResponseData response)
    {
        response.Body.Position = 0;
        var body = new StreamReader(response.Body).ReadToEnd();
        return new((int)response.StatusCode, response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase), body);
    }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? ErrorType => Json.TryGetProperty("error_type", out var t) ? t.GetString() : null;
}
