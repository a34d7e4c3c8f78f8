using SessionFunctions.Core.Model;

namespace SessionFunctions.Api.Http;

// The JSON bodies of every answer, field for field as Stytch's API (snake_case via SessionJson).

public sealed record ErrorResponse(int StatusCode, string RequestId, string ErrorType, string ErrorMessage, string ErrorUrl);

public sealed record OrganizationResponse(string RequestId, Organization Organization, int StatusCode = 200);

public sealed record MemberResponse(string RequestId, string MemberId, Member Member, Organization Organization, int StatusCode = 200);

public sealed record DeleteMemberResponse(string RequestId, string MemberId, int StatusCode = 200);

public sealed record MigrateResponse(
    string RequestId, string MemberId, string SessionToken, string SessionJwt, Member Member, Organization Organization,
    MemberSession MemberSession, int StatusCode = 200);

public sealed record AuthenticateResponse(
    string RequestId, MemberSession MemberSession, string SessionToken, string SessionJwt, Member Member, Organization Organization,
    int StatusCode = 200, AuthorizationVerdict? Verdict = null);

public sealed record ListSessionsResponse(string RequestId, IReadOnlyList<MemberSession> MemberSessions, int StatusCode = 200);

public sealed record RevokeResponse(string RequestId, int StatusCode = 200);

public sealed record JwksResponse(IReadOnlyList<Jwk> Keys, string RequestId, int StatusCode = 200);

public sealed record PolicyResponse(string RequestId, RbacPolicy Policy, int StatusCode = 200);

public sealed record OrgPolicyResponse(string RequestId, OrgPolicy OrgPolicy, int StatusCode = 200);
