using System.Text.Json.Nodes;
using SessionFunctions.Api.Http;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Api.Endpoints;

/// <summary><c>POST /v1/b2b/sessions/attest</c>: Stytch's Attest Session, field for field (<c>telemetry_id</c> is accepted and ignored).</summary>
internal static class AttestEndpoint
{
    public static async Task<object> Attest(ApiRequest r)
    {
        var body = await r.ReadJsonAsync<AttestBody>();
        var result = await r.Service<AttestSession>().RunAsync(new AttestCommand(
            ApiRequest.Required(body.ProfileId, "profile_id"), ApiRequest.Required(body.Token, "token"), body.OrganizationId,
            body.SessionDurationMinutes, body.SessionCustomClaims, body.SessionToken, body.SessionJwt), r.Aborted);
        return new AttestResponse(r.RequestId, result.Member.MemberId, result.MemberSession, result.SessionToken, result.SessionJwt,
            result.Member, result.Organization);
    }
}

public sealed class AttestBody
{
    public string? ProfileId { get; set; }
    public string? Token { get; set; }
    public string? OrganizationId { get; set; }
    public int? SessionDurationMinutes { get; set; }
    public JsonObject? SessionCustomClaims { get; set; }
    public string? SessionToken { get; set; }
    public string? SessionJwt { get; set; }
    public string? TelemetryId { get; set; }
}

/// <summary>Stytch's AttestResponse (no <c>member_device</c>: device fingerprinting is not offered).</summary>
public sealed record AttestResponse(
    string RequestId, string MemberId, MemberSession MemberSession, string SessionToken, string SessionJwt, Member Member,
    Organization Organization, int StatusCode = 200);
