using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SessionFunctions.Api;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Telemetry;

/// <summary>The real Server with the service's OpenTelemetry registration exporting to memory instead of Azure Monitor.</summary>
public sealed class TelemetryServerFixture : ServerFixture
{
    private readonly LockedCollection<Activity> _spans = new();
    private readonly List<MetricSnapshot> _metrics = [];

    /// <summary>
    /// The spans exported so far, copied under the exporter's lock: activities of other test servers in this process end
    /// on other threads while a test reads.
    /// </summary>
    public List<Activity> Spans => _spans.Snapshot();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSessionTelemetry(new ConfigurationBuilder().Build(), otel => otel
            .WithTracing(t => t.AddInMemoryExporter(_spans))
            .WithMetrics(m => m.AddInMemoryExporter(_metrics)));

    /// <summary>Exports now; returns the metrics' current totals (cumulative, so the latest export holds them all).</summary>
    public List<MetricSnapshot> Flush()
    {
        lock (_metrics)
        {
            _metrics.Clear();
            Service<TracerProvider>().ForceFlush();
            Service<MeterProvider>().ForceFlush();
            return [.. _metrics];
        }
    }
}

/// <summary>A collection the in-memory exporter may add to from any thread while a test takes a copy.</summary>
public sealed class LockedCollection<T> : System.Collections.ObjectModel.Collection<T>
{
    private readonly object _gate = new();

    public List<T> Snapshot() { lock (_gate) return [.. Items]; }

    protected override void InsertItem(int index, T item) { lock (_gate) base.InsertItem(index, item); }

    protected override void ClearItems() { lock (_gate) base.ClearItems(); }
}

/// <summary>
/// A migrate produces the dashboard's metrics with the right outcome and organization, the request's span is named by
/// its route template with child spans for UserInfo and Table Storage, and nothing exported holds a token, JWT, secret
/// or email.
/// </summary>
public sealed partial class TelemetryTests(TelemetryServerFixture server) : IClassFixture<TelemetryServerFixture>
{
    private long Count(string metric, string outcome, string? organizationId = null)
    {
        long total = 0;
        foreach (var m in server.Flush().Where(m => m.Name == metric))
                foreach (var point in m.MetricPoints)
                {
                    var tags = Tags(point);
                    if (tags.GetValueOrDefault("outcome") as string != outcome) continue;
                    if (organizationId is not null && tags.GetValueOrDefault("organization_id") as string != organizationId) continue;
                    total += m.MetricType == MetricType.LongSum ? point.GetSumLong() : point.GetHistogramCount();
                }
        return total;
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var tag in point.Tags) tags[tag.Key] = tag.Value;
        return tags;
    }

    [Fact]
    public async Task A_successful_migrate_counts_as_migrated_for_its_organization()
    {
        var (organizationId, _, _) = await server.NewSessionAsync();
        Assert.Equal(1, Count("sessions.migrate.requests", "migrated", organizationId));
        Assert.Equal(0, Count("sessions.migrate.requests", "migrate_from_external_email_does_not_exist", organizationId));
        Assert.True(Count("sessions.migrate.duration", "migrated") >= 1);
    }

    [Fact]
    public async Task A_migrate_for_an_unknown_member_counts_under_its_stytch_error_type()
    {
        var organizationId = await server.NewOrganizationAsync();
        (await server.MigrateAsync(organizationId, $"stranger-{Guid.NewGuid():N}@example.com")).AssertError(404, "migrate_from_external_email_does_not_exist");
        Assert.Equal(1, Count("sessions.migrate.requests", "migrate_from_external_email_does_not_exist", organizationId));
        Assert.Equal(0, Count("sessions.migrate.requests", "migrated", organizationId));
    }

    [Fact]
    public async Task Authenticate_signing_and_userinfo_are_measured()
    {
        var (_, _, session) = await server.NewSessionAsync();
        var before = Count("sessions.authenticate.requests", "authenticated");
        (await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_token = session.Str("session_token") })).AssertOk();
        // The meter is process-wide and other test servers authenticate too: at least ours was counted.
        Assert.True(Count("sessions.authenticate.requests", "authenticated") >= before + 1);

        var metrics = server.Flush();
        var signing = metrics.Where(m => m.Name == "sessions.signing.duration").SelectMany(Points).ToList();
        Assert.Contains(signing, t => t.GetValueOrDefault("signer") as string == "local" && t.GetValueOrDefault("throttled") is false);
        var userInfo = metrics.Where(m => m.Name == "sessions.userinfo.duration").SelectMany(Points).ToList();
        Assert.Contains(userInfo, t => t.GetValueOrDefault("status") as string == "200");
    }

    [Fact]
    public async Task The_request_span_is_named_by_its_route_with_children_for_userinfo_and_tables()
    {
        await server.NewSessionAsync();
        server.Flush();
        var spans = server.Spans;
        {
            // Other test servers run alongside and their requests are traced too (the instrumentation listens process-wide):
            // take a successful migrate, whichever server answered it; every one has the same tree.
            var migrate = spans.Last(s => s.DisplayName == "POST v1/b2b/sessions/migrate" && Equals(s.GetTagItem("http.response.status_code"), 200));
            var children = spans.Where(s => s.ParentSpanId == migrate.SpanId).ToList();
            var userInfo = Assert.Single(children, s => s.DisplayName == "UserInfo");
            Assert.Single(spans, s => s.ParentSpanId == userInfo.SpanId && s.Kind == ActivityKind.Client && s.DisplayName == "GET"); // the HTTP call
            Assert.Single(children, s => s.DisplayName == "Sign JWT");
            var tables = children.Where(s => s.DisplayName.StartsWith("TableClient.", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(tables);
            // Azure.Core times each table call; HttpClient's own span of the same call would only double the cost.
            var azureHttp = spans.Where(s => s.Source.Name == "Azure.Core.Http" && tables.Any(t => t.SpanId == s.ParentSpanId)).ToList();
            Assert.NotEmpty(azureHttp);
            Assert.DoesNotContain(spans, s => s.Source.Name == "System.Net.Http" && azureHttp.Any(a => a.SpanId == s.ParentSpanId));
        }
    }

    [Fact]
    public async Task A_request_no_route_takes_is_named_by_its_verb_not_by_a_catch_all_template()
    {
        // Other test servers' requests are traced too (the instrumentation listens process-wide): this request is sent in
        // a sampled trace of its own (the client propagates it; unsampled, the server would not record its span), and
        // only that trace's spans are read.
        ActivityTraceId trace;
        using (var parent = new Activity("unmatched-request") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            trace = parent.TraceId;
            (await server.GetAsync($"/v1/b2b/unmatched-{Guid.NewGuid():N}")).AssertError(404, "route_not_found");
        }
        server.Flush();
        var unmatched = server.Spans.Where(s => s.TraceId == trace && s.Kind == ActivityKind.Server && Equals(s.GetTagItem("http.response.status_code"), 404)).ToList();
        Assert.NotEmpty(unmatched);
        Assert.All(unmatched, s => Assert.Equal("GET", s.DisplayName));
        Assert.All(unmatched, s => Assert.Null(s.GetTagItem("http.route")));
    }

    [Fact]
    public async Task Nothing_exported_holds_a_token_a_jwt_a_secret_or_an_email()
    {
        var (organizationId, memberId, session) = await server.NewSessionAsync();
        var email = $"lookup-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email);
        await server.GetAsync($"/v1/b2b/organizations/{organizationId}/member?email_address={Uri.EscapeDataString(email)}");
        await server.PostAsync("/v1/b2b/sessions/authenticate", new { session_jwt = session.Str("session_jwt") });
        await server.PostAsync("/v1/b2b/sessions/revoke", new { session_token = session.Str("session_token") });
        var probe = $"probe-{Guid.NewGuid():N}@example.com"; // in a path: spans must not carry paths
        await server.GetAsync($"/v1/b2b/{probe}/not-a-route");
        var metrics = server.Flush();

        var exported = new List<string>();
        foreach (var span in server.Spans)
        {
            exported.Add(span.DisplayName);
            exported.AddRange(span.TagObjects.Select(t => $"{t.Key}={t.Value}"));
            exported.AddRange(span.Events.Select(e => e.Name));
        }
        foreach (var metric in metrics)
            {
                exported.Add(metric.Name);
                exported.AddRange(Points(metric).SelectMany(t => t.Select(p => $"{p.Key}={p.Value}")));
            }

        Assert.NotEmpty(exported);
        var secrets = server.SecretForms.Concat(server.EmailForms).Append(email).Append(probe).Distinct().ToList();
        Assert.All(exported, value =>
        {
            Assert.DoesNotContain(secrets, s => value.Contains(s, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotMatch(Jwt(), value);
            Assert.DoesNotMatch(Email(), value);
        });
    }

    private static IEnumerable<Dictionary<string, object?>> Points(MetricSnapshot metric) => metric.MetricPoints.Select(Tags);

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+(@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();
}
