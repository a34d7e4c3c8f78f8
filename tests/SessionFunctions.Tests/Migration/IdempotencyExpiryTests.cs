using System.Net.Http.Json;
using SessionFunctions.Core.Features;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Migration;

/// <summary>Idempotency-Key records lapse after 24 hours, and the expiry sweep removes them like expired sessions.</summary>
public sealed class IdempotencyExpiryTests(FakeClockServerFixture server) : IClassFixture<FakeClockServerFixture>
{
    private Task<SweepReport> SweepAsync() => server.Service<SweepExpiredSessions>().RunAsync(CancellationToken.None);

    private async Task<List<string>> RowsAsync(string kind) => [.. (await server.AllRowsAsync()).Where(r => r.Contains(kind, StringComparison.Ordinal))];

    [Fact]
    public async Task The_sweep_keeps_a_record_for_its_24_hours_and_then_deletes_it_and_its_index_row()
    {
        var organizationId = await server.NewOrganizationAsync();
        var email = $"lapse-{Guid.NewGuid():N}@example.com";
        await server.NewMemberAsync(organizationId, email);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/b2b/sessions/migrate")
        {
            Content = JsonContent.Create(new { session_token = server.UserInfo.IssueToken(email), organization_id = organizationId }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var migrated = await ApiCall.ReadAsync(await server.Client.SendAsync(request));
        migrated.AssertOk();
        Assert.Equal(7, migrated.Cost("tables")); // the record's index row, the record, migrate's own four, the record's completion
        Assert.Single(await RowsAsync("/idem|"));
        Assert.Equal(2, (await RowsAsync("SessionExpiry/")).Count); // the session's and the record's

        server.Clock!.Advance(TimeSpan.FromHours(2)); // the 60-minute session is gone; the record stays
        Assert.Equal(1, (await SweepAsync()).Deleted);
        Assert.Single(await RowsAsync("/idem|"));

        server.Clock.Advance(TimeSpan.FromHours(22) + TimeSpan.FromMinutes(2));
        Assert.Equal(1, (await SweepAsync()).Deleted);
        Assert.Empty(await RowsAsync("/idem|"));
        Assert.Empty(await RowsAsync("SessionExpiry/"));
    }
}
