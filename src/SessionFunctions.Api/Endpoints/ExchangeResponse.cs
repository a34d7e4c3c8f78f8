using SessionFunctions.Core.Model;

namespace SessionFunctions.Api.Endpoints;

/// <summary>
/// Stytch's exchange answer. Our organizations have no MFA or primary-auth requirements, so the member is always
/// authenticated: <c>member_authenticated</c> is true, <c>intermediate_session_token</c> empty, and <c>mfa_required</c> /
/// <c>primary_required</c> absent.
/// </summary>
public sealed record ExchangeResponse(
    string RequestId, string MemberId, string SessionToken, string SessionJwt, Member Member, Organization Organization,
    bool MemberAuthenticated, string IntermediateSessionToken, MemberSession MemberSession, int StatusCode = 200);
