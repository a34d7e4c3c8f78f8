using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Claims;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;
using SessionFunctions.Core.TrustedTokens;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Core.Features;

public sealed record MigrateCommand(string SessionToken, string OrganizationId, int? SessionDurationMinutes, JsonObject? SessionCustomClaims,
    string? IdempotencyKey = null);

public sealed record SessionResult(Member Member, Organization Organization, MemberSession MemberSession, string SessionToken, string SessionJwt)
{
    /// <summary>Why an <c>authorization_check</c> passed (authenticate only); null without a check.</summary>
    public AuthorizationVerdict? Verdict { get; init; }
}

/// <summary>
/// <c>POST /v1/b2b/sessions/migrate</c>: trade a legacy provider's access token for a new session of the organization's
/// member with the email the UserInfo endpoint of the organization's legacy provider returns. Costs one UserInfo call,
/// one signature and three table round trips of latency (see <see cref="CreateMemberSession"/>); the organization comes
/// from cache. The session records the provider that vouched for it. With an Idempotency-Key, three more round trips
/// (the record's expiry index row and the record before, its completion after), and a repeat costs three table calls
/// and nothing else
/// (<see cref="IdempotentRequests"/>). Input is checked before anything remote is called.
/// </summary>
public sealed class MigrateSession(
    OrganizationStore organizations, LegacyProviders providers, UserInfoClient userInfo, CreateMemberSession sessions,
    IdempotentRequests idempotency, ILogger<MigrateSession> log, TrustedTokenReader tokens)
{
    /// <summary>How long past the provider's timeout a running Idempotency-Key record is taken to be alive.</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromMinutes(1);

    public async Task<SessionResult> RunAsync(MigrateCommand command, CancellationToken ct)
    {
        if (!LegacyToken.IsBearerToken(command.SessionToken))
            throw new SessionException(ErrorTypes.InvalidArgument, "session_token must be a bearer token (RFC 6750: letters, digits, - . _ ~ + / and trailing =).");
        var key = command.IdempotencyKey is null ? null : idempotency.Parse(command.IdempotencyKey);
        var duration = SessionDuration.Validate(command.SessionDurationMinutes ?? SessionDuration.Default);
        var claims = CustomClaims.Merge([], command.SessionCustomClaims);
        var organization = await organizations.GetAsync(command.OrganizationId, ct);
        RequestCosts.SetOrganization(organization.OrganizationId); // telemetry: migrate outcomes by organization
        var provider = providers.For(organization);
        if (key is null) return await MigrateAsync(command, organization, provider, duration, claims, null, ct);

        var fingerprint = key.Fingerprint(command.SessionToken, command.OrganizationId, command.SessionDurationMinutes?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            command.SessionCustomClaims?.ToJsonString());
        var claim = await idempotency.BeginAsync(organization.OrganizationId, key, fingerprint, provider.Timeout + LeaseMargin, ct);
        if (claim.Replay is { } replay) return replay;
        try
        {
            return await MigrateAsync(command, organization, provider, duration, claims, claim, ct);
        }
        catch
        {
            await idempotency.AbandonAsync(claim);
            throw;
        }
    }

    private async Task<SessionResult> MigrateAsync(
        MigrateCommand command, Organization organization, LegacyProvider provider, TimeSpan duration, JsonObject claims, IdempotencyClaim? claim, CancellationToken ct)
    {
        var identity = await VouchAsync(provider, command.SessionToken, ct);
        var email = EmailAddress.Normalize(identity.Email);
        var result = await sessions.RunAsync(new NewMemberSession(organization, email, duration, claims, ErrorTypes.MigrateEmailNotAMember, provider.Name,
            (stored, now) => [AuthenticationFactor.Imported(now, stored.EmailId, stored.Member.EmailAddress)],
            new FirstSight(identity.Email, identity.Name)), ct); // the provider vouched for the email (UserInfoClient checks email_verified)
        // The record lives in the organization's partition, the session in its member's: the record is completed after
        // the session is written. A crash in between leaves the record running until its lease lapses; a retry then
        // makes a new session (the first one's token was never delivered).
        if (claim is not null) await idempotency.CompleteAsync(claim, result, ct);
        log.LogInformation("Migrated a session for member {MemberId} of {OrganizationId}.", result.Member.MemberId, organization.OrganizationId);
        return result;
    }

    /// <summary>
    /// The email the provider vouches for. A JWT naming the issuer of a provider that vouches by signature is checked here
    /// against its cached keys (no call; any failed check is a 400, never a fallback to UserInfo); anything else goes to
    /// its UserInfo endpoint.
    /// </summary>
    private async Task<UserInfoResult> VouchAsync(LegacyProvider provider, string token, CancellationToken ct)
    {
        if (provider.Signature is not { } policy || !TrustedTokenReader.NamesIssuer(token, policy.Issuer))
            return await userInfo.GetAsync(provider, token, ct);
        var signed = await tokens.ReadAsync(provider, policy, token, ct);
        return new UserInfoResult(signed.Email, signed.Subject, signed.Name);
    }
}
