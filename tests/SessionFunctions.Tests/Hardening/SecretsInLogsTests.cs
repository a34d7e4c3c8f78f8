using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Hardening;

/// <summary>
/// No session token, JWT, project secret or legacy token is ever logged. Every <see cref="ServerFixture"/> checks its
/// own Trace-level log when it shuts down, so the whole suite is covered; this class walks every endpoint on purpose.
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
}
