using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Unit;

/// <summary>
/// A scripted UserInfo endpoint on loopback Kestrel for <see cref="UserInfoClientTests"/>:
/// <c>/ok</c>, <c>/sized/{bytes}</c> (with Content-Length), <c>/chunked/{bytes}</c> (without),
/// <c>/status/{code}</c>, <c>/slow</c> and <c>/html</c>. Every request's method and headers are kept.
/// </summary>
public sealed class LoopbackUserInfoServer : IAsyncLifetime
{
    private WebApplication _app = null!;

    public ConcurrentQueue<(string Path, string Method, string Authorization, string Accept)> Requests { get; } = new();
    public string BaseUrl { get; private set; } = "";

    /// <summary>A JSON object with an email, padded to exactly <paramref name="bytes"/> bytes.</summary>
    public static byte[] JsonOfSize(int bytes)
    {
        const string prefix = "{\"email\":\"ada@example.com\",\"email_verified\":true,\"pad\":\"";
        return Encoding.UTF8.GetBytes(prefix + new string('x', bytes - prefix.Length - 2) + "\"}");
    }

    public async Task InitializeAsync()
    {
        _app = LoopbackServer.Create();
        _app.Use(async (context, next) =>
        {
            Requests.Enqueue((context.Request.Path, context.Request.Method, context.Request.Headers.Authorization.ToString(), context.Request.Headers.Accept.ToString()));
            await next(context);
        });
        _app.Map("/ok", context => context.Response.WriteAsync("""{"sub":"legacy|1","email":"ada@example.com","email_verified":true}"""));
        _app.Map("/html", context =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<html>maintenance</html>");
        });
        _app.Map("/sized/{bytes:int}", context =>
        {
            var body = JsonOfSize(int.Parse((string)context.Request.RouteValues["bytes"]!, System.Globalization.CultureInfo.InvariantCulture));
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        });
        _app.Map("/chunked/{bytes:int}", async context =>
        {
            var body = JsonOfSize(int.Parse((string)context.Request.RouteValues["bytes"]!, System.Globalization.CultureInfo.InvariantCulture));
            for (var offset = 0; offset < body.Length; offset += 4096)
            {
                await context.Response.Body.WriteAsync(body.AsMemory(offset, Math.Min(4096, body.Length - offset)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        _app.Map("/status/{code:int}", context =>
        {
            context.Response.StatusCode = int.Parse((string)context.Request.RouteValues["code"]!, System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        _app.Map("/slow", async context =>
        {
            try { await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); }
            catch (OperationCanceledException) { return; }
            await context.Response.WriteAsync("""{"email":"ada@example.com"}""");
        });
        BaseUrl = await LoopbackServer.StartAsync(_app);
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
