using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Signs session JWTs with an RSA key in Azure Key Vault, through Key Vault's REST API (api-version 7.4) on an Azure.Core
/// pipeline (<see cref="KeyVaultPipeline"/>). The private key never leaves the vault: each JWT costs one <c>sign</c> of its
/// SHA-256 digest. Public keys are read only when the key ring loads or refreshes: one listing of the versions (all pages),
/// then one read and one certificate signature per version this process has not seen yet (versions never change).
/// A version's JWT <c>kid</c> is <c>jwk-{env}-{version}</c>, so verifiers pick the right key after a rotation.
/// Whatever keeps the vault from answering (401/403, throttling past the retries, no connection, no token) becomes
/// <see cref="ErrorTypes.ServerUnavailable"/>: the API answers 503, and migrate, which signs before writing, stores nothing.
/// </summary>
public sealed class KeyVaultKeyStore(KeyVaultKeyId key, TokenCredential credential, IOptions<SigningOptions> options, IdFormat ids, TimeProvider time, ILogger<KeyVaultKeyStore> log)
    : ISigningKeyStore
{
    private const string ApiVersion = "7.4";
    private readonly HttpPipeline _pipeline = KeyVaultPipeline.Create(credential);
    private readonly ConcurrentDictionary<string, (string Version, PublicSigningKey Key)> _loaded = new(StringComparer.Ordinal);

    public string Signer => "keyvault";

    /// <summary>The JWT kid of a key version.</summary>
    public static string KeyIdOf(IdFormat ids, string version) => $"jwk-{ids.Environment}-{version}";

    public async Task<IReadOnlyList<PublicSigningKey>> GetPublicKeysAsync(CancellationToken ct)
    {
        var selected = KeyRotationWindow.Select(await ListVersionsAsync(ct), key.Version, time.GetUtcNow(),
            TimeSpan.FromDays(options.Value.RotationOverlapDays));
        var keys = new List<PublicSigningKey>(selected.Count);
        foreach (var version in selected)
        {
            var kid = KeyIdOf(ids, version.Version);
            if (!_loaded.TryGetValue(kid, out var loaded))
                _loaded[kid] = loaded = (version.Version, await ReadPublicKeyAsync(kid, version.Version, ct));
            keys.Add(loaded.Key);
        }
        return keys;
    }

    public async Task<byte[]> SignDigestAsync(string keyId, byte[] digest, CancellationToken ct)
    {
        if (digest.Length != SHA256.HashSizeInBytes) throw new ArgumentException("RS256 signs a 32-byte SHA-256 digest.", nameof(digest));
        if (!_loaded.TryGetValue(keyId, out var loaded)) throw new InvalidOperationException($"Unknown signing key '{keyId}'.");
        return await SignAsync(loaded.Version, digest, ct);
    }

    private async Task<List<KeyVaultKeyVersion>> ListVersionsAsync(CancellationToken ct)
    {
        var versions = new List<KeyVaultKeyVersion>();
        for (Uri? page = key.Resource("/versions", ApiVersion); page is not null;)
        {
            using var json = await SendAsync(RequestMethod.Get, page, null, "list the key versions", ct);
            page = Read(json, "list the key versions", root =>
            {
                foreach (var item in root.GetProperty("value").EnumerateArray())
                    if (KeyVaultKeyVersion.Read(item) is { } version) versions.Add(version);
                return root.TryGetProperty("nextLink", out var next) && next.GetString() is { Length: > 0 } link ? SameVault(new Uri(link)) : null;
            });
        }
        return versions;
    }

    private async Task<PublicSigningKey> ReadPublicKeyAsync(string kid, string version, CancellationToken ct)
    {
        using var json = await SendAsync(RequestMethod.Get, key.Resource("/" + version, ApiVersion), null, "read the public key", ct);
        var (kty, parameters) = Read(json, "read the public key", root =>
        {
            var jwk = root.GetProperty("key");
            return (jwk.GetProperty("kty").GetString(), new RSAParameters
            {
                Modulus = Bytes(jwk, "n").AsSpan().TrimStart((byte)0).ToArray(),
                Exponent = Bytes(jwk, "e"),
            });
        });
        if (kty is not ("RSA" or "RSA-HSM"))
            throw new InvalidOperationException($"Key Vault key '{key.Name}' version {version} is of type {kty}; RS256 needs an RSA key.");
        if (parameters.Modulus!.Length * 8 < 2048)
            throw new InvalidOperationException($"Key Vault key '{key.Name}' version {version} has {parameters.Modulus.Length * 8} bits; at least 2048 are required.");
        var certificate = await KeyVaultCertificate.CreateAsync(parameters, (digest, c) => SignAsync(version, digest, c), ct);
        return new PublicSigningKey(kid, parameters, certificate);
    }

    private async Task<byte[]> SignAsync(string version, byte[] digest, CancellationToken ct)
    {
        var body = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", "RS256");
            writer.WriteString("value", Base64Url.EncodeToString(digest));
            writer.WriteEndObject();
        }
        using var json = await SendAsync(RequestMethod.Post, key.Resource($"/{version}/sign", ApiVersion), body.WrittenMemory, "sign", ct);
        return Read(json, "sign", root =>
        {
            // The vault answers with the versioned id of the key it used; anything else is not a signature we can publish.
            if (!KeyVaultKeyId.TryParse(new Uri(root.GetProperty("kid").GetString()!), out var used) || used.Version != version)
                throw new FormatException("The signature came from another key version.");
            return Bytes(root, "value");
        });
    }

    /// <summary>Sends one request; a 200 answer's JSON, or <see cref="ErrorTypes.ServerUnavailable"/> for anything else.</summary>
    private async Task<JsonDocument> SendAsync(RequestMethod method, Uri uri, ReadOnlyMemory<byte>? body, string operation, CancellationToken ct)
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
            throw Unavailable($"refused to {operation} (HTTP {status})", null, VaultError(message.Response) + RoleHint);
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
    private T Read<T>(JsonDocument json, string operation, Func<JsonElement, T> read)
    {
        try { return read(json.RootElement); }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or UriFormatException or ArgumentNullException)
        {
            throw Unavailable($"answered a request to {operation} with an unexpected body", e);
        }
    }

    private static byte[] Bytes(JsonElement parent, string name) =>
        parent.GetProperty(name).GetString() is { Length: > 0 } value ? Base64Url.DecodeFromChars(value) : throw new FormatException($"'{name}' is empty.");

    // A next page on another host would receive our bearer token: refuse it.
    private Uri SameVault(Uri next) =>
        Uri.Compare(next, key.VaultUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            ? next
            : throw new FormatException("The next page of key versions is on another host.");

    private const string RoleHint = " The app's identity needs the Key Vault Crypto User role on the vault (keys: list, get, sign).";

    /// <summary>Logs what operators need (never a token: the pipeline redacts Authorization) and makes the 503 clients see.</summary>
    private SessionException Unavailable(string what, Exception? inner, string details = "")
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
