using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Attest;

/// <summary>
/// UserInfo budgets per provider and instance: past <c>MaxCallsPerSecond</c> migrate answers 429 and calls nobody; when the
/// provider answers 429, nobody calls it until its Retry-After (on the server's fake clock), and migrate answers 503 with
/// Retry-After meanwhile.
/// </summary>
public sealed class ProviderBudgetTests(TrustedProvidersServer server) : IClassFixture<TrustedProvidersServer>
{
    [Fact]
    public async Task Past_MaxCallsPerSecond_migrate_answers_429_with_Retry_After_and_makes_no_call()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("budget");
        var calls = server.BudgetUserInfo.Calls.Count;
        var counted = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener(); // the workbook's sessions.userinfo.calls, by outcome, for this provider only
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Name == "sessions.userinfo.calls") l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(p => p.Key, p => p.Value as string);
            if (t.GetValueOrDefault("provider") == "budget") counted.AddOrUpdate(t["outcome"]!, value, (_, v) => v + value);
        });
        listener.Start();
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.BudgetUserInfo.IssueToken(email), organization_id = organizationId })));

        var migrated = answers.Count(a => (int)a.Status == 200);
        var refused = answers.Where(a => (int)a.Status == 429).ToList();
        Assert.Equal(6, migrated + refused.Count);
        Assert.InRange(migrated, 1, 2); // 1 per second (a second one only if the bucket refilled during the burst)
        Assert.Equal(migrated, server.BudgetUserInfo.Calls.Count - calls);
        Assert.All(refused, r =>
        {
            r.AssertError(429, "too_many_requests");
            Assert.Equal(0, r.Cost("userinfo"));
            Assert.Equal("1", r.Headers.RetryAfter!.ToString());
        });
        Assert.Equal(migrated, counted.GetValueOrDefault("sent"));
        Assert.Equal(refused.Count, counted.GetValueOrDefault("over_budget"));
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData(null, 30)]
    public async Task After_the_provider_answers_429_no_call_reaches_it_until_its_Retry_After(string? retryAfter, int seconds)
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("hybrid");
        var throttled = server.HybridUserInfo.Script(c =>
        {
            c.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            if (retryAfter is not null) c.Response.Headers.RetryAfter = retryAfter;
            return Task.CompletedTask;
        });
        var first = (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = throttled, organization_id = organizationId }))
            .AssertError(503, "migrate_from_external_unexpected_response");
        Assert.Equal(seconds.ToString(), first.Headers.RetryAfter!.ToString());
        var calls = server.HybridUserInfo.Calls.Count;

        server.Clock!.Advance(TimeSpan.FromSeconds(seconds - 10));
        for (var i = 0; i < 5; i++)
        {
            var refused = (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.HybridUserInfo.IssueToken(email), organization_id = organizationId }))
                .AssertError(503, "migrate_from_external_unexpected_response");
            Assert.Equal("10", refused.Headers.RetryAfter!.ToString());
            Assert.Equal(0, refused.Cost("userinfo"));
        }
        Assert.Equal(calls, server.HybridUserInfo.Calls.Count);

        // Signed tokens call nobody, so they still migrate while the provider's UserInfo rests.
        (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.Hybrid.Token(email, server.Now), organization_id = organizationId })).AssertOk();

        server.Clock.Advance(TimeSpan.FromSeconds(10));
        (await server.PostAsync("/v1/b2b/sessions/migrate", new { session_token = server.HybridUserInfo.IssueToken(email), organization_id = organizationId })).AssertOk();
        Assert.Equal(calls + 1, server.HybridUserInfo.Calls.Count);
    }
}
