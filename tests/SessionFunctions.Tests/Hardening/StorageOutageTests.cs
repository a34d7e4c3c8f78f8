using System.Collections.Concurrent;
using System.Net;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Hardening;

/// <summary>Table Storage going away in the middle of a load run, and coming back.</summary>
public sealed class StorageOutageTests
{
    private sealed class OnDedicatedAzurite(DedicatedAzurite azurite) : ServerFixture
    {
        protected override string StorageConnectionString => azurite.ConnectionString;

        // Failing fast, the load outruns the default per-client limit; this test is about storage, not rate limits.
        protected override void Configure(IDictionary<string, string?> settings) =>
            settings["Api:RateLimit:ClientPermits"] = settings["Api:RateLimit:ProjectPermits"] = "0";
    }

    [Fact]
    public async Task Requests_fail_with_503_while_storage_is_down_nothing_is_half_written_and_the_service_recovers()
    {
        await using var azurite = new DedicatedAzurite();
        await azurite.StartAsync();
        var server = new OnDedicatedAzurite(azurite);
        await server.InitializeAsync();
        try
        {
            var organizationId = await server.NewOrganizationAsync();
            var emails = Enumerable.Range(0, 8).Select(i => $"load{i}@example.com").ToList();
            foreach (var email in emails) await server.NewMemberAsync(organizationId, email);
            var before = (await server.MigrateAsync(organizationId, emails[0])).AssertOk();

            var answers = new ConcurrentBag<(string Kind, ApiCall Call)>();
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    answers.Add(("migrate", await server.MigrateAsync(organizationId, emails[(worker + i) % emails.Count])));
                    answers.Add(("authenticate", await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = before.Str("session_token") })));
                }
            })).ToList();

            await Task.Delay(700);
            await azurite.StopAsync();
            var okBeforeOutage = answers.Count(a => a.Call.Status == HttpStatusCode.OK);
            await Task.Delay(1500);
            var duringOutage = answers.Count;
            await azurite.StartAsync();
            await Task.Delay(1000);
            stop.Cancel();
            await Task.WhenAll(load);

            Assert.True(okBeforeOutage > 0, "the load run made no progress before the outage");
            Assert.Contains(answers, a => a.Call.ErrorType == "server_unavailable");
            Assert.All(answers.Where(a => a.Call.Status != HttpStatusCode.OK), a => a.Call.AssertError(503, "server_unavailable"));
            Assert.True(answers.Count > duringOutage, "no request was answered after storage came back");

            // Recovered: old and new sessions work.
            (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = before.Str("session_token") })).AssertOk();
            (await server.MigrateAsync(organizationId, emails[1])).AssertOk();

            // Nothing half-written: every acknowledged migration is a working session, and no failed one left a session.
            var migrated = answers.Where(a => a.Kind == "migrate" && a.Call.Status == HttpStatusCode.OK).Select(a => a.Call).ToList();
            foreach (var m in migrated)
                (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = m.Str("session_token") })).AssertOk();
            var sessionRows = (await server.AllRowsAsync()).Count(r => SessionRows.IsSessionRow(r, organizationId));
            Assert.Equal(migrated.Count + 2, sessionRows); // + the session from before the run and the one after it
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
