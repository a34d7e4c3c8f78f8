using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>
/// A legacy identity provider's OIDC UserInfo endpoint, served by Kestrel on loopback. Tests issue access tokens for
/// an email, or script a token's answer (a status, a delay, a raw body), and read back what the service sent.
/// </summary>
public sealed class FakeUserInfoProvider : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _answers = new();
    private readonly ConcurrentQueue<(string Method, string? Authorization)> _calls = new();
    private readonly WebApplication _app;

    private FakeUserInfoProvider(WebApplication app) => _app = app;

    public string UserInfoUrl { get; private set; } = "";
    public IReadOnlyCollection<(string Method, string? Authorization)> Calls => _calls;

    public static async Task<FakeUserInfoProvider> StartAsync()
    {
        var app = LoopbackServer.Create();
        var provider = new FakeUserInfoProvider(app);
        app.Map("/userinfo", provider.AnswerAsync);
        provider.UserInfoUrl = await LoopbackServer.StartAsync(app) + "/userinfo";
        return provider;
    }

    /// <summary>A fresh access token whose UserInfo answer is 200 with this email (and email_verified when given).</summary>
    public string IssueToken(string email, bool? emailVerified = true) =>
        Script(c => c.Response.WriteAsJsonAsync(emailVerified is { } v
            ? new Dictionary<string, object> { ["sub"] = "legacy|" + email, ["email"] = email, ["email_verified"] = v }
            : new Dictionary<string, object> { ["sub"] = "legacy|" + email, ["email"] = email }));

    /// <summary>A fresh access token answered with 200 and exactly these claims (a custom email claim, no email_verified…).</summary>
    public string TokenWithClaims(IReadOnlyDictionary<string, object?> claims) => Script(c => c.Response.WriteAsJsonAsync(claims));

    /// <summary>A fresh access token answered with a 302 to <paramref name="location"/> (another provider, say).</summary>
    public string TokenRedirectingTo(string location) => Script(c => { c.Response.Redirect(location); return Task.CompletedTask; });

    /// <summary>A fresh access token answered with this status and no body.</summary>
    public string TokenAnswering(int status) => Script(c => { c.Response.StatusCode = status; return Task.CompletedTask; });

    /// <summary>A fresh access token answered with 200 and this raw body.</summary>
    public string TokenAnsweringBody(string contentType, string body) =>
        Script(c => { c.Response.ContentType = contentType; return c.Response.WriteAsync(body); });

    /// <summary>A fresh access token whose answer comes only after <paramref name="delay"/>.</summary>
    public string SlowToken(string email, TimeSpan delay) =>
        Script(async c => { await Task.Delay(delay, c.RequestAborted); await c.Response.WriteAsJsonAsync(new { email, email_verified = true }); });

    /// <summary>How a token nobody scripted is answered (default: 401).</summary>
    public Func<HttpContext, Task>? Fallback { get; set; }

    public string Script(Func<HttpContext, Task> answer)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        _answers[token] = answer;
        return token;
    }

    /// <summary>Every legacy access token handed out so far: secrets that must never reach a log.</summary>
    public IEnumerable<string> IssuedTokens => _answers.Keys;

    private async Task AnswerAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        _calls.Enqueue((context.Request.Method, authorization));
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization[7..] : "";
        if (_answers.TryGetValue(token, out var answer)) await answer(context);
        else if (Fallback is { } fallback) await fallback(context);
        else context.Response.StatusCode = StatusCodes.Status401Unauthorized;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
