using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Errors;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Calls to one Key Vault key over Key Vault's REST API (api-version 7.4) on the Azure.Core pipeline of
/// <see cref="KeyVaultPipeline"/>, shared by the per-JWT signer (<see cref="KeyVaultKeyStore"/>) and the wrapper of
/// stored signing keys (<see cref="KeyVaultKeyWrapper"/>). Whatever keeps the vault from answering (401/403, throttling
/// past the retries, no connection, no token, a body of the wrong shape) becomes <see cref="ErrorTypes.ServerUnavailable"/>,
/// logged with what operators need and never a token or key material (the pipeline redacts Authorization).
/// </summary>
internal sealed class KeyVaultRestClient(KeyVaultKeyId key, TokenCredential credential, string roleHint, ILogger log)
{
    public const string ApiVersion = "7.4";
    private readonly HttpPipeline _pipeline = KeyVaultPipeline.Create(credential);

    public KeyVaultKeyId Key => key;

    /// <summary><c>{vault}/keys/{name}{path}?api-version=7.4</c>.</summary>
    public Uri Resource(string path) => key.Resource(path, ApiVersion);

    /// <summary>A JSON body of string properties, e.g. <c>{"alg": "RS256", "value": "…"}</c>.</summary>
    public static ReadOnlyMemory<byte> Body(params (string Name, string Value)[] properties)
    {
        var body = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in properties) writer.WriteString(name, value);
            writer.WriteEndObject();
        }
        return body.WrittenMemory;
    }

    /// <summary>Sends one request; a 200 answer's JSON, or <see cref="ErrorTypes.ServerUnavailable"/> for anything else.</summary>
    public async Task<JsonDocument> SendAsync(RequestMethod method, Uri uri, ReadOnlyMemory<byte>? body, string operation, CancellationToken ct)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add(HttpHeader.Common.JsonAccept);
        if (body is { } content)
        {
            message.Request.Headers.Add(HttpHeader.Common.JsonContentType);
            message.Request.Content = RequestContent.Create(content);
        }
        try
        {
            await _pipeline.SendAsync(message, ct);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw Unavailable($"could not be reached to {operation}", e); // network failures and timeouts, after the retries
        }
        catch (AuthenticationFailedException e)
        {
            throw Unavailable($"could not be asked to {operation}: no access token for it could be obtained", e);
        }

        var status = message.Response.Status;
        if (status is 401 or 403)
            throw Unavailable($"refused to {operation} (HTTP {status})", null, VaultError(message.Response) + roleHint);
        if (status != 200)
            throw Unavailable($"could not {operation} (HTTP {status})", null, VaultError(message.Response));
        try
        {
            return JsonDocument.Parse(message.Response.Content.ToMemory());
        }
        catch (JsonException e)
        {
            throw Unavailable($"answered a request to {operation} with a body that is not JSON", e);
        }
    }

    /// <summary>Reads a 200 answer; a body of an unexpected shape is the vault not answering usefully, hence 503.</summary>
    public T Read<T>(JsonDocument json, string operation, Func<JsonElement, T> read)
    {
        try { return read(json.RootElement); }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or UriFormatException or ArgumentNullException)
        {
            throw Unavailable($"answered a request to {operation} with an unexpected body", e);
        }
    }

    public static byte[] Bytes(JsonElement parent, string name) =>
        parent.GetProperty(name).GetString() is { Length: > 0 } value ? Base64Url.DecodeFromChars(value) : throw new FormatException($"'{name}' is empty.");

    /// <summary>The version of this key that a Key Vault answer's <c>kid</c> names; a kid of another key is refused.</summary>
    public string VersionIn(JsonElement root) =>
        KeyVaultKeyId.TryParse(new Uri(root.GetProperty("kid").GetString()!), out var used) && used.Name == key.Name && used.Version is { } version
            ? version
            : throw new FormatException("The answer names another key.");

    // A next page on another host would receive our bearer token: refuse it.
    public Uri SameVault(Uri next) =>
        Uri.Compare(next, key.VaultUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? next
            : throw new FormatException("The next page of key versions is on another host.");

    /// <summary>Logs what operators need and makes the 503 clients see.</summary>
    public SessionException Unavailable(string what, Exception? inner, string details = "")
    {
        log.LogWarning(inner, "Key Vault {Vault}, key {Key}: Key Vault {What}.{Details}", key.VaultUri.Host, key.Name, what, details);
        return new SessionException(ErrorTypes.ServerUnavailable, $"Session signing is unavailable: Key Vault {what}. Please retry.", inner);
    }

    /// <summary>Key Vault's <c>{"error": {"code", "message"}}</c>, for the log.</summary>
    private static string VaultError(Response response)
    {
        try
        {
            using var json = JsonDocument.Parse(response.Content.ToMemory());
            var error = json.RootElement.GetProperty("error");
            return $" Vault error {error.GetProperty("code").GetString()}: {error.GetProperty("message").GetString()}";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "";
        }
    }
}
