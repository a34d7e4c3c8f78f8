using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Moq;

namespace SessionFunctions.Tests.Functions;

/// <summary>
/// An HTTP trigger's request as the Functions host sends it and the worker builds it (ToRpcHttp in azure-functions-host,
/// GrpcHttpRequestData in azure-functions-dotnet-worker): the host's Kestrel decodes the path once, its router matches
/// the function's template against that and sends the route values (after the query's values, which they override)
/// as binding data, and it writes the URL from the decoded path again (<c>PathString.ToUriComponent</c>, which leaves
/// a literal <c>%XX</c> as it is) with the raw query. Headers go under lower-case names with their values joined by
/// commas, the body as bytes. The function context is a mock, the one seam here that needs the host.
/// </summary>
internal sealed class InvocationRequest : HttpRequestData
{
    private readonly Stream _body;
    private readonly string _url;

    public InvocationRequest(IServiceProvider services, string method, string template, string pathAndQuery, string? body = null,
        IDictionary<string, string>? headers = null, string? contentType = "application/json", CancellationToken cancellation = default,
        string host = "127.0.0.1:7071")
        : base(Context(services, template, pathAndQuery, cancellation))
    {
        Method = method;
        _url = $"http://{host}{DecodedPath(pathAndQuery).ToUriComponent()}{RawQuery(pathAndQuery)}"; // parsed on first use, as the worker does
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        _body = new MemoryStream(bytes);
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["host"] = host };
        if (body is not null) all["content-length"] = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (body is not null && contentType is not null) all["content-type"] = contentType;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) all[name] = value;
        Headers = new HttpHeadersCollection(all.Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), h.Value)));
    }

    /// <summary>The path as Kestrel decodes it: once, <c>%2F</c> kept.</summary>
    private static PathString DecodedPath(string pathAndQuery) =>
        PathString.FromUriComponent(pathAndQuery.Split('?')[0]);

    /// <summary>The raw query, <c>?</c> included, or empty.</summary>
    private static string RawQuery(string pathAndQuery) => pathAndQuery.IndexOf('?') is var q and >= 0 ? pathAndQuery[q..] : "";

    private static FunctionContext Context(IServiceProvider services, string template, string pathAndQuery, CancellationToken cancellation)
    {
        var data = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in QueryHelpers.ParseQuery(RawQuery(pathAndQuery))) data[name] = value.ToString();
        var route = new RouteValueDictionary();
        if (new TemplateMatcher(TemplateParser.Parse(template), new RouteValueDictionary()).TryMatch(DecodedPath(pathAndQuery), route))
            foreach (var (name, value) in route) data[name] = value;
        var binding = new Mock<BindingContext>();
        binding.SetupGet(b => b.BindingData).Returns(data);
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.InstanceServices).Returns(services);
        context.SetupGet(c => c.CancellationToken).Returns(cancellation);
        context.SetupGet(c => c.BindingContext).Returns(binding.Object);
        return context.Object;
    }

    public override Stream Body => _body;
    public override HttpHeadersCollection Headers { get; }
    public override IReadOnlyCollection<IHttpCookie> Cookies => [];
    public override Uri Url => new(_url);
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
