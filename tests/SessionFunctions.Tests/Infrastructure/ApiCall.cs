using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>One answer from the API: status, parsed JSON and headers.</summary>
public sealed record ApiCall(HttpStatusCode Status, JsonElement Json, string Raw, HttpResponseHeaders Headers, string? ContentType)
{
    public string? ErrorType => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("error_type", out var t) ? t.GetString() : null;

    public string Str(string name) => Json.GetProperty(name).GetString()!;

    /// <summary>A count from the X-Request-Cost header (tables, userinfo, signatures).</summary>
    public int Cost(string name) =>
        int.Parse(Headers.GetValues("X-Request-Cost").Single().Split(';').Select(p => p.Split('=')).Single(p => p[0] == name)[1]);

    public static async Task<ApiCall> ReadAsync(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        JsonElement json;
        try { json = JsonDocument.Parse(raw).RootElement.Clone(); }
        catch (JsonException) { json = default; }
        return new ApiCall(response.StatusCode, json, raw, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Asserts the Stytch error envelope: status, type, and every field the SDKs read.</summary>
    public ApiCall AssertError(int status, string errorType)
    {
        Assert.True((int)Status == status, $"expected HTTP {status} {errorType}, got {(int)Status}: {Raw}");
        Assert.Equal(errorType, ErrorType);
        Assert.Equal(status, Json.GetProperty("status_code").GetInt32());
        Assert.StartsWith("request-id-test-", Str("request_id"));
        Assert.False(string.IsNullOrWhiteSpace(Str("error_message")));
        Assert.Equal($"https://stytch.com/docs/api-reference/b2b/api/errors/{status}#{errorType}", Str("error_url"));
        Assert.Equal("application/json", ContentType);
        return this;
    }

    public ApiCall AssertOk()
    {
        Assert.True(Status == HttpStatusCode.OK, $"expected 200, got {(int)Status}: {Raw}");
        Assert.Equal(200, Json.GetProperty("status_code").GetInt32());
        Assert.StartsWith("request-id-test-", Str("request_id"));
        return this;
    }
}
