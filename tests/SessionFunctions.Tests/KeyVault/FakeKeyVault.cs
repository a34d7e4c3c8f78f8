using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using B64 = System.Buffers.Text.Base64Url;

using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.KeyVault;

/// <summary>
/// Azure Key Vault's key endpoints (api-version 7.4), served by Kestrel on loopback: list versions (paged, with nextLink),
/// get a version's public key (or the current version's, without a version), sign a digest with the real RSA key, and
/// wrap and unwrap a key with it (RSA-OAEP-256). It checks every request the way the vault does
/// (path, api-version, <c>Authorization: Bearer</c>, sign body) and writes down every deviation in <see cref="Rejections"/>,
/// so tests can prove the store only ever sent well-formed requests. Tests add versions with the timestamps they need,
/// script failures (429 with Retry-After, 401, 403, …), and read how many requests of each kind arrived.
/// </summary>
public sealed class FakeKeyVault : IAsyncDisposable
{
    public const string KeyName = "session-signing";
    public const string AccessToken = "fake-key-vault-access-token";

    public enum Operation { ListVersions, GetKey, Sign, WrapKey, UnwrapKey }

    private sealed record KeyVersion(string Version, RSA Rsa, DateTimeOffset Created, bool Enabled, DateTimeOffset? NotBefore, DateTimeOffset? Expires);
    private sealed record Script(int Status, TimeSpan? RetryAfter);

    private readonly ConcurrentDictionary<string, KeyVersion> _versions = new();
    private readonly ConcurrentDictionary<Operation, ConcurrentQueue<Script>> _scripts = new();
    private readonly ConcurrentQueue<(Operation Operation, DateTimeOffset At)> _requests = new();
    private readonly ConcurrentQueue<string> _rejections = new();
    private readonly WebApplication _app;
    private bool _stopped;

    private FakeKeyVault(WebApplication app) => _app = app;

    public string BaseAddress { get; private set; } = "";

    /// <summary>The configured key id, without a version: <c>http://127.0.0.1:{port}/keys/session-signing</c>.</summary>
    public Uri KeyId => new($"{BaseAddress}/keys/{KeyName}");

    /// <summary>How many versions one page of the version list holds (Key Vault's default is 25).</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>Every request that did not look like one the Key Vault SDK sends, with the reason.</summary>
    public IReadOnlyCollection<string> Rejections => _rejections;

    public static async Task<FakeKeyVault> StartAsync()
    {
        var app = LoopbackServer.Create();
        var vault = new FakeKeyVault(app);
        app.Run(vault.AnswerAsync);
        vault.BaseAddress = await LoopbackServer.StartAsync(app);
        return vault;
    }

    /// <summary>A new 2048-bit RSA version created at <paramref name="created"/>; returns its 32-hex version.</summary>
    public string AddVersion(DateTimeOffset created, bool enabled = true, DateTimeOffset? notBefore = null, DateTimeOffset? expires = null)
    {
        var version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _versions[version] = new KeyVersion(version, RSA.Create(2048), created, enabled, notBefore, expires);
        return version;
    }

    public void Disable(string version) => _versions[version] = _versions[version] with { Enabled = false };

    /// <summary>The public key of a version, as a verifier would import it.</summary>
    public RSAParameters PublicKey(string version) => _versions[version].Rsa.ExportParameters(false);

    /// <summary>Signs with a version's private key directly, as another instance of the service would have.</summary>
    public byte[] SignWith(string version, byte[] data) =>
        _versions[version].Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    /// <summary>The next <paramref name="times"/> requests of this kind get <paramref name="status"/> (and Retry-After, if given).</summary>
    public void Answer(Operation operation, int status, int times = 1, TimeSpan? retryAfter = null)
    {
        var queue = _scripts.GetOrAdd(operation, _ => new ConcurrentQueue<Script>());
        for (var i = 0; i < times; i++) queue.Enqueue(new Script(status, retryAfter));
    }

    public int Count(Operation operation) => _requests.Count(r => r.Operation == operation);

    /// <summary>When each request of this kind arrived, in order.</summary>
    public IReadOnlyList<DateTimeOffset> Arrivals(Operation operation) => [.. _requests.Where(r => r.Operation == operation).Select(r => r.At)];

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var segments = request.Path.Value!.Trim('/').Split('/');
        Operation? operation = (request.Method, segments) switch
        {
            ("GET", ["keys", KeyName, "versions"]) => Operation.ListVersions,
            ("GET", ["keys", KeyName]) => Operation.GetKey,
            ("GET", ["keys", KeyName, _]) => Operation.GetKey,
            ("POST", ["keys", KeyName, _, "sign"]) => Operation.Sign,
            ("POST", ["keys", KeyName, _, "wrapkey"]) => Operation.WrapKey,
            ("POST", ["keys", KeyName, _, "unwrapkey"]) => Operation.UnwrapKey,
            _ => null,
        };
        if (operation is not { } op)
        {
            await RejectAsync(context, 400, $"unexpected request {request.Method} {request.Path}");
            return;
        }
        _requests.Enqueue((op, DateTimeOffset.UtcNow));
        if (request.Query["api-version"] != "7.4")
            await RejectAsync(context, 400, $"{op} without api-version=7.4: {request.QueryString}");
        else if (request.Headers.Authorization != "Bearer " + AccessToken)
            await RejectAsync(context, 401, $"{op} without the bearer token");
        else if (_scripts.TryGetValue(op, out var queue) && queue.TryDequeue(out var script))
            await ScriptedAsync(context, script);
        else if (op == Operation.ListVersions)
            await ListAsync(context);
        else if ((segments.Length > 2 ? _versions.GetValueOrDefault(segments[2]) : Current()) is not { } version)
            await ErrorAsync(context, 404, "KeyNotFound", "A key with (name/id) was not found in this key vault.");
        else if (op == Operation.GetKey)
            await context.Response.WriteAsJsonAsync(new { key = Jwk(version), attributes = Attributes(version) });
        else if (op == Operation.Sign)
            await SignAsync(context, version);
        else
            await WrapOrUnwrapAsync(context, version, op == Operation.WrapKey);
    }

    private async Task ListAsync(HttpContext context)
    {
        var skip = int.TryParse(context.Request.Query["$skiptoken"], out var s) ? s : 0;
        var all = _versions.Values.OrderBy(v => v.Version, StringComparer.Ordinal).ToList(); // not by age: the store must sort
        var page = all.Skip(skip).Take(PageSize).Select(v => new { kid = Kid(v), attributes = Attributes(v) });
        var nextLink = skip + PageSize < all.Count
            ? $"{BaseAddress}/keys/{KeyName}/versions?api-version=7.4&$skiptoken={skip + PageSize}&maxresults={PageSize}"
            : null;
        await context.Response.WriteAsJsonAsync(new { value = page, nextLink });
    }

    private async Task SignAsync(HttpContext context, KeyVersion version)
    {
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            await RejectAsync(context, 400, $"sign with Content-Type {context.Request.ContentType}");
            return;
        }
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var alg = body.RootElement.TryGetProperty("alg", out var a) ? a.GetString() : null;
        var value = body.RootElement.TryGetProperty("value", out var v) ? v.GetString() : null;
        byte[] digest;
        try { digest = B64.DecodeFromChars(value); }
        catch (FormatException) { digest = []; }
        if (alg != "RS256" || digest.Length != 32)
        {
            await RejectAsync(context, 400, $"sign with alg {alg} and a digest of {digest.Length} bytes");
            return;
        }
        if (!version.Enabled)
        {
            await ErrorAsync(context, 403, "Forbidden", "Operation sign is not allowed on a disabled key.");
            return;
        }
        var signature = version.Rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        await context.Response.WriteAsJsonAsync(new { kid = Kid(version), value = B64.EncodeToString(signature) });
    }

    /// <summary>The newest enabled version: what a request without a version gets.</summary>
    private KeyVersion? Current() => _versions.Values.Where(v => v.Enabled).MaxBy(v => v.Created);

    private async Task WrapOrUnwrapAsync(HttpContext context, KeyVersion version, bool wrap)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        var alg = body.RootElement.TryGetProperty("alg", out var a) ? a.GetString() : null;
        byte[] value;
        try { value = B64.DecodeFromChars(body.RootElement.GetProperty("value").GetString()); }
        catch (Exception e) when (e is FormatException or KeyNotFoundException) { value = []; }
        if (alg != "RSA-OAEP-256" || value.Length == 0 || context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            await RejectAsync(context, 400, $"{(wrap ? "wrap" : "unwrap")} with alg {alg} and {value.Length} bytes");
            return;
        }
        if (!version.Enabled)
        {
            await ErrorAsync(context, 403, "Forbidden", "Operation is not allowed on a disabled key.");
            return;
        }
        byte[] result;
        try
        {
            result = wrap ? version.Rsa.Encrypt(value, RSAEncryptionPadding.OaepSHA256) : version.Rsa.Decrypt(value, RSAEncryptionPadding.OaepSHA256);
        }
        catch (CryptographicException)
        {
            await ErrorAsync(context, 400, "BadParameter", "The value could not be wrapped or unwrapped with this key.");
            return;
        }
        await context.Response.WriteAsJsonAsync(new { kid = Kid(version), value = B64.EncodeToString(result) });
    }

    private static Task ScriptedAsync(HttpContext context, Script script)
    {
        if (script.RetryAfter is { } delay) context.Response.Headers.RetryAfter = ((int)delay.TotalSeconds).ToString();
        if (script.Status == 401) context.Response.Headers.WWWAuthenticate = "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"";
        return ErrorAsync(context, script.Status, script.Status == 429 ? "Throttled" : "Scripted", $"Scripted answer {script.Status}.");
    }

    private Task RejectAsync(HttpContext context, int status, string reason)
    {
        _rejections.Enqueue(reason);
        if (status == 401) context.Response.Headers.WWWAuthenticate = "Bearer resource=\"https://vault.azure.net\"";
        return ErrorAsync(context, status, status == 401 ? "Unauthorized" : "BadParameter", reason);
    }

    private static Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = new { code, message } });
    }

    private string Kid(KeyVersion v) => $"{BaseAddress}/keys/{KeyName}/{v.Version}";

    private object Jwk(KeyVersion v)
    {
        var p = v.Rsa.ExportParameters(false);
        return new { kid = Kid(v), kty = "RSA", key_ops = new[] { "sign", "verify", "wrapKey", "unwrapKey" }, n = B64.EncodeToString(p.Modulus), e = B64.EncodeToString(p.Exponent) };
    }

    private static Dictionary<string, object> Attributes(KeyVersion v)
    {
        var attributes = new Dictionary<string, object>
        {
            ["enabled"] = v.Enabled,
            ["created"] = v.Created.ToUnixTimeSeconds(),
            ["updated"] = v.Created.ToUnixTimeSeconds(),
            ["recoveryLevel"] = "Recoverable+Purgeable",
        };
        if (v.NotBefore is { } nbf) attributes["nbf"] = nbf.ToUnixTimeSeconds();
        if (v.Expires is { } exp) attributes["exp"] = exp.ToUnixTimeSeconds();
        return attributes;
    }

    /// <summary>Stops answering: the port closes, so the vault becomes unreachable.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var v in _versions.Values) v.Rsa.Dispose();
    }
}
