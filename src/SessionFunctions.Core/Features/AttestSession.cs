using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Claims;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;
using SessionFunctions.Core.TrustedTokens;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Core.Features;

public sealed record AttestCommand(
    string ProfileId, string Token, string? OrganizationId, int? SessionDurationMinutes, JsonObject? SessionCustomClaims,
    string? SessionToken, string? SessionJwt);

/// <summary>
/// <c>POST /v1/b2b/sessions/attest</c>, Stytch's Attest Session: a JWT the organization's legacy provider signed (its
/// id_token or a JWT access token) becomes a session of the member with the email it vouches for, checked against the
/// provider's cached public keys, so no call goes to the provider (<see cref="TrustedTokenReader"/>). <c>profile_id</c>
/// must be the organization's own provider's (<c>trusted_metadata.legacy_provider</c>, as for migrate); otherwise a 400
/// before the token is read. The new session goes through the same path as migrate and exchange
/// (<see cref="CreateMemberSession"/>): same costs, same member rules. With <c>session_token</c> or <c>session_jwt</c>, the
/// token's factor is added to that live session instead (it must be the same member's, in the same organization), which
/// is extended by <c>session_duration_minutes</c> (default 60; never shortened) through authenticate's write.
/// </summary>
public sealed class AttestSession(
    OrganizationStore organizations, LegacyProviders providers, TrustedTokenReader tokens, SessionLocator locator,
    AuthenticateSession authenticate, CreateMemberSession sessions, ILogger<AttestSession> log)
{
    public async Task<SessionResult> RunAsync(AttestCommand command, CancellationToken ct)
    {
        var duration = SessionDuration.Validate(command.SessionDurationMinutes ?? SessionDuration.Default);
        var claims = CustomClaims.Merge([], command.SessionCustomClaims);
        if (string.IsNullOrEmpty(command.OrganizationId))
            throw new SessionException(ErrorTypes.InvalidArgument, "organization_id is required (tokens' organization claims are not read).");
        var existing = string.IsNullOrEmpty(command.SessionToken) && string.IsNullOrEmpty(command.SessionJwt)
            ? null
            : await locator.FromTokenOrJwtAsync(command.SessionToken, command.SessionJwt, ct);
        var organization = await organizations.GetAsync(command.OrganizationId, ct);
        RequestCosts.SetOrganization(organization.OrganizationId);
        var provider = providers.For(organization);
        if (provider.Signature is not { } policy || !string.Equals(provider.ProfileId, command.ProfileId, StringComparison.Ordinal))
            throw new SessionException(ErrorTypes.TrustedAuthTokenProfileNotFound);

        var token = await tokens.ReadAsync(provider, policy, command.Token, ct);
        var email = EmailAddress.Normalize(token.Email);
        SessionResult result;
        if (existing is null)
        {
            // The provider that vouched is recorded on the session, as migrate records it (exchange compares it).
            result = await sessions.RunAsync(new NewMemberSession(organization, email, duration, claims, ErrorTypes.MemberNotFound, provider.Name,
                (_, now) => [TrustedAuthTokenFactor.At(now, token.TokenId)], new FirstSight(token.Email, token.Name)), ct);
        }
        else
        {
            if (existing.OrganizationId != organization.OrganizationId)
                throw new SessionException(ErrorTypes.SessionMemberMismatch, "The session belongs to another organization than organization_id.");
            result = await authenticate.UpdateAsync(existing, organization, duration, command.SessionCustomClaims, null,
                (row, member, now) => AddFactor(row, member, email, token.TokenId, now), ct);
        }
        log.LogInformation("Attested a session for member {MemberId} of {OrganizationId} through provider {Provider}.",
            result.Member.MemberId, organization.OrganizationId, provider.Name);
        return result;
    }

    /// <summary>Adds the token's factor to the live session of the member it names (replacing an earlier attested factor).</summary>
    private static void AddFactor(SessionEntity row, Member member, string email, string tokenId, DateTimeOffset now)
    {
        if (EmailAddress.Normalize(member.EmailAddress) != email)
            throw new SessionException(ErrorTypes.SessionMemberMismatch, "The session belongs to another member than the one the token vouches for.");
        var factors = JsonSerializer.Deserialize<List<AuthenticationFactor>>(row.Factors, SessionJson.Options)!;
        factors.RemoveAll(f => f.Type == TrustedAuthTokenFactor.Type);
        factors.Add(TrustedAuthTokenFactor.At(now, tokenId));
        row.Factors = JsonSerializer.Serialize(factors, SessionJson.Options);
    }
}
