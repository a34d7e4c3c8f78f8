using System.Security.Cryptography;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Attest;

/// <summary>
/// How a provider's keys are fetched and kept: an unknown kid refreshes them at most once per 5 minutes per provider, a
/// failed refresh keeps the keys held, and with no keys at all the answer is a 503 the client may retry. The server's
/// clock is fake; the providers count every fetch, and each test counts fetches exactly. Each test uses its own provider,
/// so no test depends on the order they run in or on what an earlier one left in a provider's key cache (a failed refresh
/// makes IdentityModel retry on the next request more than 1 s later on the real clock: a fetch that another test would
/// count, or not, depending on the machine's load). IdentityModel's ConfigurationManager also refuses a refresh within
/// its RefreshInterval (1 s here; our own gate spaces them by 5 minutes on the service's clock) of its last successful
/// fetch on the real clock, so a test that expects a second refresh first waits one real second: a lower bound that load
/// only lengthens, never a race.
/// </summary>
public sealed class ProviderKeyTests(TrustedProvidersServer server) : IClassFixture<TrustedProvidersServer>
{
    [Fact]
    public async Task A_flood_of_1000_unknown_kids_makes_at_most_one_key_fetch_and_each_is_a_400()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("hybrid");
        (await server.AttestAsync("hybrid-profile", server.Hybrid.Token(email, server.Now), organizationId)).AssertOk(); // keys cached
        var (metadataFetches, jwksFetches) = (server.Hybrid.MetadataFetches, server.Hybrid.JwksFetches);
        server.Clock!.Advance(TimeSpan.FromMinutes(6)); // the gate is open: one refresh is allowed
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // past IdentityModel's own 1 s minimum on the real clock

        using var invented = RSA.Create(2048);
        var claims = server.Hybrid.Claims(email, server.Now).ToJsonString();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var call = await server.AttestAsync("hybrid-profile", server.Hybrid.Sign(claims, kid: $"invented-{i}", key: invented), organizationId);
            statuses.Add((int)call.Status);
            if ((int)call.Status != 400) call.AssertError(400, "invalid_trusted_auth_token");
        });
        Assert.All(statuses, s => Assert.Equal(400, s));
        // Exactly one refresh (discovery document + JWKS) for the whole flood: the first unknown kid opens the gate, the
        // other 999 find it shut. Not "at most": a refresh that never happened would leave a rotated key unknown.
        Assert.Equal((metadataFetches + 1, jwksFetches + 1), (server.Hybrid.MetadataFetches, server.Hybrid.JwksFetches));
    }

    [Fact]
    public async Task A_rotated_key_is_fetched_on_an_unknown_kid_but_not_twice_within_5_minutes()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("signed");
        (await server.AttestAsync("signed", server.Signed.Token(email, server.Now), organizationId)).AssertOk();
        var fetches = server.Signed.JwksFetches;

        server.Signed.Rotate();
        server.Clock!.Advance(TimeSpan.FromMinutes(5));
        var call = (await server.AttestAsync("signed", server.Signed.Token(email, server.Now), organizationId)).AssertOk(); // refreshed for the new kid
        Assert.Equal(1, call.Cost("keys"));
        Assert.Equal(fetches + 1, server.Signed.JwksFetches);

        server.Signed.Rotate();
        server.Clock.Advance(TimeSpan.FromMinutes(4));
        call = (await server.AttestAsync("signed", server.Signed.Token(email, server.Now), organizationId)).AssertError(400, "invalid_trusted_auth_token");
        Assert.Equal(0, call.Cost("keys"));
        Assert.Equal(fetches + 1, server.Signed.JwksFetches);

        server.Clock.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // past IdentityModel's own 1 s minimum on the real clock
        (await server.AttestAsync("signed", server.Signed.Token(email, server.Now), organizationId)).AssertOk();
        Assert.Equal(fetches + 2, server.Signed.JwksFetches);
    }

    [Fact]
    public async Task When_a_refresh_fails_the_keys_already_held_keep_serving()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("pem"); // organizations for the second provider below
        var (flakyOrganization, flakyEmail) = await server.OrganizationWithMemberAsync("flaky");
        (await server.AttestAsync("flaky", server.Flaky.Token(flakyEmail, server.Now), flakyOrganization)).AssertOk();
        var fetches = server.Flaky.JwksFetches;
        var oldKey = server.Flaky.Current;
        server.Flaky.Rotate();
        server.Flaky.Failing = true;
        try
        {
            server.Clock!.Advance(TimeSpan.FromMinutes(6));
            await Task.Delay(TimeSpan.FromSeconds(1.1)); // past IdentityModel's own 1 s minimum on the real clock
            var call = (await server.AttestAsync("flaky", server.Flaky.Token(flakyEmail, server.Now), flakyOrganization))
                .AssertError(400, "invalid_trusted_auth_token"); // the refresh failed: the new kid is still unknown
            Assert.Equal(1, call.Cost("keys")); // one refresh...
            Assert.Equal(fetches + 2, server.Flaky.JwksFetches); // ...whose HTTP request IdentityModel's HttpDocumentRetriever retries once on a 503
            // The old key still verifies. (IdentityModel may retry the failed fetch here if a real second has passed
            // since: that retry fails too and changes nothing, so it is not counted.)
            var claims = server.Flaky.Claims(flakyEmail, server.Now).ToJsonString();
            (await server.AttestAsync("flaky", server.Flaky.Sign(claims, kid: oldKey.Kid, key: oldKey.Key), flakyOrganization)).AssertOk();
        }
        finally { server.Flaky.Failing = false; }
        (await server.AttestAsync("pem", server.PemToken(email), organizationId)).AssertOk(); // other providers are untouched
    }

    [Fact]
    public async Task With_no_keys_held_the_answer_is_a_503_the_client_may_retry_and_no_session_is_written()
    {
        var (organizationId, email) = await server.OrganizationWithMemberAsync("down");
        var rows = await server.AllRowsAsync();
        var call = (await server.AttestAsync("down", server.Down.Token(email, server.Now), organizationId)).AssertError(503, "trusted_auth_token_keys_unavailable");
        Assert.Equal(1, call.Cost("keys"));
        Assert.Equal(rows, await server.AllRowsAsync());
    }
}
