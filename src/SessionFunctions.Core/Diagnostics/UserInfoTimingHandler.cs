using System.Diagnostics;

namespace SessionFunctions.Core.Diagnostics;

/// <summary>
/// Times each call to the legacy UserInfo endpoint into <c>sessions.userinfo.duration</c> by <c>status</c>, inside a
/// "UserInfo" span (its duration is what the workbook's percentiles read).
/// </summary>
public sealed class UserInfoTimingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var span = Telemetry.Source.StartActivity("UserInfo");
        var started = Stopwatch.GetTimestamp();
        var status = "error";
        try
        {
            var response = await base.SendAsync(request, ct);
            status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return response;
        }
        catch (OperationCanceledException)
        {
            status = "timeout";
            throw;
        }
        finally
        {
            span?.SetTag("status", status);
            Telemetry.UserInfoDuration.Record(Telemetry.SecondsSince(started), new KeyValuePair<string, object?>("status", status));
        }
    }
}
