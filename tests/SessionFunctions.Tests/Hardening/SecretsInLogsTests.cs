using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Hardening;

/// <summary>
/// No session token, JWT, project secret, legacy token or member email is ever logged, in any form (see
/// <see cref="ServerFixture.SecretForms"/>). Every <see cref="ServerFixture"/> checks its own Trace-level log when it shuts
/// down, so the whole suite is covered; this class walks every endpoint on purpose.
/// </summary>
public sealed class SecretsInLogsTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_walk_through_every_endpoint_logs_no_secret()
    {
        var (organizationId, memberId, session) = await server.NewSessionAsync(customClaims: new { tier = "gold" });
        var token = session.Str("session_token");
        var jwt = session.Str("session_jwt");
        await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = token, session_duration_minutes = 30 });
        await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = jwt });
        await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = token + "x" });
        await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = jwt[..^3] + "abc" });
        await server.GetAsync($"/v1/b2b/sessions?organization_id={organizationId}&member_id={memberId}");
        await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.UserInfo.TokenAnswering(500), organization_id = organizationId });
        await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.UserInfo.TokenAnswering(401), organization_id = organizationId });
        await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.UserInfo.TokenAnsweringBody("text/html", "<html/>"), organization_id = organizationId });
        await server.PostAsync("/v1/b2b/sessions/revoke", new { session_jwt = jwt });
        await server.GetAsync($"/v1/b2b/sessions/jwks/{server.ProjectId}");

        Assert.NotEmpty(server.Logs.Lines);
        Assert.Contains(server.Logs.Lines, l => l.Contains("UserInfo endpoint answered HTTP 500")); // the failures were logged…
        server.AssertNoSecretInLogs();                                                              // …without their secrets
    }

    [Fact]
    public void The_check_would_catch_a_leak()
    {
        var leak = server.UserInfo.IssueToken("leak@example.com");
        var logger = server.Service<ILoggerFactory>().CreateLogger("LeakProbe");
        var baseline = server.Logs.Lines.Count;
        try
        {
            logger.LogInformation("oops {Token}", leak);
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(server.AssertNoSecretInLogs);
        }
        finally
        {
            server.Logs.Forget(baseline); // keep the fixture's own end-of-life check meaningful for everything else
        }
    }

    [Fact]
    public async Task The_capture_sees_every_category_at_trace_despite_appsettings()
    {
        var organizationId = await server.NewOrganizationAsync();
        await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.UserInfo.TokenAnswering(401), organization_id = organizationId });

        var lines = server.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.StartsWith("Trace ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(" Microsoft.AspNetCore.Hosting.Diagnostics: Request starting", StringComparison.Ordinal)); // Warning in appsettings
        Assert.Contains(lines, l => l.Contains(" System.Net.Http.HttpClient.", StringComparison.Ordinal));                                 // Warning in appsettings
    }

    [Fact]
    public async Task Looking_a_member_up_by_email_does_not_log_the_address()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"Lookup.{Guid.NewGuid():N}+tag@example.com";
        await server.NewMemberAsync(organizationId, email);

        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?email_address={Uri.EscapeDataString(email)}")).AssertOk();
        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?email_address={Uri.EscapeDataString(email.ToUpperInvariant())}&x=1")).AssertOk();
        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?email_address={Uri.EscapeDataString("nobody." + email)}")).AssertError(404, "member_not_found");
        server.RememberEmail("nobody." + email);

        // The requests are logged, by the route's literal segments (the organization_id may be a slug or an external id)…
        Assert.Contains(server.Logs.Lines, l => l.Contains("/v1/b2b/organizations/{…}/member?(redacted)", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains(organizationId, StringComparison.Ordinal) && l.Contains("Request starting", StringComparison.Ordinal));
        server.AssertNoSecretInLogs(); // …and never with their query strings
    }

    public static TheoryData<string> LeakForms => ["basic header", "jwt header", "jwt payload", "jwt signature", "token sha-256 hex", "token sha-256 base64",
        "token sha-256 base64url", "email", "email upper case", "email in a query string"];

    [Theory]
    [MemberData(nameof(LeakForms))]
    public async Task The_check_would_catch_a_leak_in_another_form(string form)
    {
        var (_, _, session) = await server.NewSessionAsync();
        var email = session.Json.GetProperty("member").GetProperty("email_address").GetString()!;
        var token = session.Str("session_token");
        var jwt = session.Str("session_jwt").Split('.');
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
        var leak = form switch
        {
            "basic header" => "Authorization: Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{server.ProjectId}:{server.Secret}")),
            "jwt header" => jwt[0],
            "jwt payload" => jwt[1],
            "jwt signature" => jwt[2],
            "token sha-256 hex" => Convert.ToHexString(hash),
            "token sha-256 base64" => Convert.ToBase64String(hash),
            "token sha-256 base64url" => System.Buffers.Text.Base64Url.EncodeToString(hash),
            "email" => email,
            "email upper case" => email.ToUpperInvariant(),
            "email in a query string" => "GET /member?email_address=" + Uri.EscapeDataString(email),
            _ => throw new ArgumentException(form),
        };
        var logger = server.Service<ILoggerFactory>().CreateLogger("LeakProbe");
        server.AssertNoSecretInLogs();
        var baseline = server.Logs.Lines.Count;
        try
        {
            logger.LogTrace("oops {Leak}", leak);
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(server.AssertNoSecretInLogs);
        }
        finally
        {
            server.Logs.Forget(baseline);
        }
    }
}
