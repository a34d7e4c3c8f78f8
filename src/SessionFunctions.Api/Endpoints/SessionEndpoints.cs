using SessionFunctions.Api.Http;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;
using Microsoft.Extensions.Options;

namespace SessionFunctions.Api.Endpoints;

internal static class SessionEndpoints
{
    public static async Task<object> Migrate(ApiRequest r)
    {
        var idempotencyKey = r.Context.Request.Headers["Idempotency-Key"];
        if (idempotencyKey.Count > 1) throw new SessionException(ErrorTypes.InvalidIdempotencyKey);
        var body = await r.ReadJsonAsync<MigrateBody>();
        var result = await r.Service<MigrateSession>().RunAsync(new MigrateCommand(
            ApiRequest.Required(body.SessionToken, "session_token"), ApiRequest.Required(body.OrganizationId, "organization_id"),
            body.SessionDurationMinutes, body.SessionCustomClaims, idempotencyKey.Count == 0 ? null : idempotencyKey.ToString()), r.Aborted);
        return new MigrateResponse(r.RequestId, result.Member.MemberId, result.SessionToken, result.SessionJwt,
            RoleAssignments.Effective(result.Member, result.Organization), result.Organization, result.MemberSession);
    }

    public static async Task<object> Authenticate(ApiRequest r)
    {
        var body = await r.ReadJsonAsync<AuthenticateBody>();
        var result = await r.Service<AuthenticateSession>().RunAsync(new AuthenticateCommand(
            body.SessionToken, body.SessionJwt, body.SessionDurationMinutes, body.SessionCustomClaims, Check(body.AuthorizationCheck)), r.Aborted);
        return new AuthenticateResponse(r.RequestId, result.MemberSession, result.SessionToken, result.SessionJwt,
            RoleAssignments.Effective(result.Member, result.Organization), result.Organization, Verdict: result.Verdict);
    }

    public static async Task<object> Exchange(ApiRequest r)
    {
        var body = await r.ReadJsonAsync<ExchangeBody>();
        var result = await r.Service<ExchangeSession>().RunAsync(new ExchangeCommand(
            ApiRequest.Required(body.OrganizationId, "organization_id"), body.SessionToken, body.SessionJwt,
            body.SessionDurationMinutes, body.SessionCustomClaims), r.Aborted);
        return new ExchangeResponse(r.RequestId, result.Member.MemberId, result.SessionToken, result.SessionJwt,
            RoleAssignments.Effective(result.Member, result.Organization), result.Organization, MemberAuthenticated: true, IntermediateSessionToken: "", result.MemberSession);
    }

    /// <summary>An <c>authorization_check</c> needs all three of its fields.</summary>
    private static AuthorizationCheck? Check(AuthorizationCheckBody? check) => check is null ? null : new AuthorizationCheck(
        ApiRequest.Required(check.OrganizationId, "authorization_check.organization_id"),
        ApiRequest.Required(check.ResourceId, "authorization_check.resource_id"),
        ApiRequest.Required(check.Action, "authorization_check.action"));

    public static async Task<object> List(ApiRequest r) =>
        new ListSessionsResponse(r.RequestId, await r.Service<ListSessions>().RunAsync(
            r.RequiredQuery("organization_id"), r.RequiredQuery("member_id"), r.Aborted));

    public static async Task<object> Revoke(ApiRequest r)
    {
        var body = await r.ReadJsonAsync<RevokeBody>();
        await r.Service<RevokeSessions>().RunAsync(new RevokeCommand(body.MemberSessionId, body.SessionToken, body.SessionJwt, body.MemberId), r.Aborted);
        return new RevokeResponse(r.RequestId);
    }

    /// <summary>The JWKS, from memory. Served without credentials, as the Node and Python SDKs fetch it.</summary>
    public static async Task<object> Jwks(ApiRequest r)
    {
        if (r.Route("project_id") != r.Service<IOptions<SessionsOptions>>().Value.ProjectId) throw new SessionException(ErrorTypes.ProjectNotFound);
        return new JwksResponse((await r.Service<SigningKeyRing>().GetAsync(r.Aborted)).Jwks, r.RequestId);
    }
}
