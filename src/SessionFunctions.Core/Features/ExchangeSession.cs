using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Claims;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Core.Features;

public sealed record ExchangeCommand(string OrganizationId, string? SessionToken, string? SessionJwt, int? SessionDurationMinutes, JsonObject? SessionCustomClaims);

/// <summary>
/// <c>POST /v1/b2b/sessions/exchange</c>: a member with a live session gets a session of another organization in which a
/// member has the same email (a pending or invited one becomes active). Our organizations have no extra authentication
/// requirements, so the member is always fully authenticated. The new session carries the original session's factors
/// (the login the person really performed, with the target member's email id); the original session stays valid.
/// Costs: the target organization from cache; the session with its member (one range read, <see cref="LiveSessions"/>);
/// the target member by email; its sessions beside the expiry index row; 1 signature; 1 transaction. Five table calls
/// in four round trips of latency. A session whose member is deleted cannot be exchanged, even if its row survived.
/// Each organization trusts only its own legacy provider, so a session moves only into an organization on the provider
/// that vouched for it (recorded on the session, and carried on to the new one): otherwise an organization's provider
/// (perhaps one its own admins run, or a Trusted one) could vouch for members of every other organization, and an
/// organization that stopped using a provider would still pass its sessions on.
/// </summary>
public sealed class ExchangeSession(
    SessionLocator locator, LiveSessions live, OrganizationStore organizations, LegacyProviders providers, CreateMemberSession create, TimeProvider time,
    ILogger<ExchangeSession> log)
{
    public async Task<SessionResult> RunAsync(ExchangeCommand command, CancellationToken ct)
    {
        var duration = SessionDuration.Validate(command.SessionDurationMinutes ?? SessionDuration.Default);
        var claims = CustomClaims.Merge([], command.SessionCustomClaims);
        var address = await locator.FromTokenOrJwtAsync(command.SessionToken, command.SessionJwt, ct);
        var target = await organizations.GetAsync(command.OrganizationId, ct);
        if (target.OrganizationId == address.OrganizationId) throw new SessionException(ErrorTypes.ExchangeIntoSameOrganization);

        var (row, source) = await live.ReadAsync(address, SessionRecords.Truncate(time.GetUtcNow()), ct);
        // The provider that vouched for this session, not the one its organization uses now. A session made before
        // sessions recorded it has none, and is refused (fail closed).
        if (string.IsNullOrEmpty(row.Provider) || !string.Equals(row.Provider, providers.For(target).Name, StringComparison.OrdinalIgnoreCase))
            throw new SessionException(ErrorTypes.ExchangeAcrossProviders);
        var factors = JsonSerializer.Deserialize<List<AuthenticationFactor>>(row.Factors, SessionJson.Options)!;
        var result = await create.RunAsync(new NewMemberSession(target, EmailAddress.Normalize(source.EmailAddress), duration, claims,
            ErrorTypes.MemberNotFound, row.Provider, (stored, _) => Carried(factors, stored)), ct);
        log.LogInformation("Exchanged a session of {SourceOrganizationId} for one of member {MemberId} of {OrganizationId}.",
            address.OrganizationId, result.Member.MemberId, target.OrganizationId);
        return result;
    }

    /// <summary>The original factors, kept as they were (type, delivery method, times); an email factor names the target member's email.</summary>
    private static IReadOnlyList<AuthenticationFactor> Carried(List<AuthenticationFactor> factors, StoredMember target) =>
        [.. factors.Select(f => f.EmailFactor is null ? f : f with { EmailFactor = new EmailFactor(target.EmailId, target.Member.EmailAddress) })];
}
