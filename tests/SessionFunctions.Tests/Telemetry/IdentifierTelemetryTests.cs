using System.Security.Cryptography;
using System.Text;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Telemetry;

/// <summary>
/// Issue 19.3: no member or organization identifier reaches telemetry or logs in any recoverable form. Table Storage row
/// keys are SHA-256 hashes of emails, slugs and external ids, and a storage client's span would export them in its URL;
/// anyone holding a list of candidate addresses could hash them and re-identify members. A full run (create, look up by
/// every name, migrate, exchange, authenticate, update, revoke) is exported and searched for each identifier and its
/// SHA-256 in hex, base64 and base64url.
/// </summary>
public sealed class IdentifierTelemetryTests(TelemetryServerFixture server) : IClassFixture<TelemetryServerFixture>
{
    [Fact]
    public async Task No_span_or_log_line_holds_an_email_a_slug_an_external_id_or_a_hash_of_one()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var slug = $"slug-{tag}";
        var orgExternal = $"org-ext-{tag}";
        var otherSlug = $"other-{tag}";
        var email = $"ident-{tag}@example.com";
        var memberExternal = $"member-ext-{tag}";
        var organizationId = await server.NewOrganizationAsync(slug, orgExternal);
        var otherId = await server.NewOrganizationAsync(otherSlug);
        var memberId = await server.NewMemberAsync(organizationId, email, externalId: memberExternal);
        await server.NewMemberAsync(otherId, email);

        (await server.GetAsync($"/v1/b2b/organizations/{slug}")).AssertOk();
        (await server.GetAsync($"/v1/b2b/organizations/{orgExternal}")).AssertOk();
        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?email_address={Uri.EscapeDataString(email)}")).AssertOk();
        (await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?member_id={memberExternal}")).AssertOk();
        var session = (await server.MigrateAsync(slug, email)).AssertOk();
        (await server.MigrateAsync(orgExternal, $"nobody-{tag}@example.com")).AssertError(404, "migrate_from_external_email_does_not_exist");
        (await server.PostAsync("/v1/b2b/sessions/exchange", new { session_token = session.Str("session_token"), organization_id = otherSlug })).AssertOk();
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = session.Str("session_jwt") })).AssertOk();
        (await server.PutAsync($"/v1/b2b/organizations/{orgExternal}", new { organization_slug = slug + "-new" })).AssertOk();
        (await server.PutAsync($"/v1/b2b/organizations/{organizationId}/members/{memberExternal}", new { name = "Renamed" })).AssertOk();
        (await server.PostAsync("/v1/b2b/sessions/revoke", new { member_id = memberId })).AssertOk();
        var metrics = server.Flush();

        var exported = new List<string>();
        foreach (var span in server.Spans)
        {
            exported.Add(span.DisplayName);
            exported.Add(span.StatusDescription ?? "");
            exported.AddRange(span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            exported.AddRange(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")));
        }
        foreach (var metric in metrics)
            foreach (var point in metric.MetricPoints)
                foreach (var t in point.Tags) exported.Add($"{metric.Name}:{t.Key}={t.Value}");
        exported.AddRange(server.Logs.Lines);
        // Proof that the storage spans were captured at all: their table and operation stay.
        Assert.Contains(server.Spans, s => s.Source.Name == "Azure.Core.Http");
        Assert.Contains(server.Spans, s => s.DisplayName.StartsWith("TableClient.", StringComparison.Ordinal));

        var identifiers = new[] { slug, slug + "-new", otherSlug, orgExternal, email, memberExternal };
        var forms = identifiers.SelectMany(Forms).Distinct().ToList();
        var leaks = exported.Where(line => forms.Any(f => line.Contains(f, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} exported value(s) hold an identifier or its hash, e.g.\n{string.Join("\n", leaks.Take(8))}");
    }

    /// <summary>An identifier as written and URL-escaped, and SHA-256 of it in hex, base64 and base64url (with and without padding).</summary>
    private static IEnumerable<string> Forms(string identifier)
    {
        yield return identifier;
        yield return Uri.EscapeDataString(identifier);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(identifier));
        yield return Convert.ToHexString(hash);
        yield return Convert.ToBase64String(hash).TrimEnd('=');
        yield return Uri.EscapeDataString(Convert.ToBase64String(hash));
        yield return System.Buffers.Text.Base64Url.EncodeToString(hash);
    }
}
