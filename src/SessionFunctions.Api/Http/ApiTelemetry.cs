using Microsoft.AspNetCore.Http;
using SessionFunctions.Core.Diagnostics;

namespace SessionFunctions.Api.Http;

/// <summary>
/// Records the request counters once a call's outcome is known: <c>sessions.migrate.requests</c> and
/// <c>sessions.migrate.duration</c> for migrate, <c>sessions.authenticate.requests</c> for authenticate. The outcome is
/// the success word or the Stytch <c>error_type</c> of the answer.
/// </summary>
internal static class ApiTelemetry
{
    private const string MigratePath = "/" + SessionApiRoutes.Migrate, AuthenticatePath = "/" + SessionApiRoutes.Authenticate;

    public static void Record(HttpContext context, RequestCosts costs, object body)
    {
        var path = context.Request.Path.Value;
        if (string.Equals(path, MigratePath, StringComparison.OrdinalIgnoreCase))
        {
            Telemetry.MigrateRequests.Add(1, Outcome(body, "migrated"), new("organization_id", costs.OrganizationId ?? ""));
            Telemetry.MigrateDuration.Record(Telemetry.SecondsSince(costs.StartTimestamp), Outcome(body, "migrated"));
        }
        else if (string.Equals(path, AuthenticatePath, StringComparison.OrdinalIgnoreCase))
        {
            Telemetry.AuthenticateRequests.Add(1, Outcome(body, "authenticated"));
        }
    }

    private static KeyValuePair<string, object?> Outcome(object body, string success) =>
        new("outcome", body is ErrorResponse error ? error.ErrorType : success);
}
