using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SessionFunctions.Core.Claims;
using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

public sealed record ExchangeCommand(string OrganizationId, string? SessionToken, string? SessionJwt, int? SessionDurationMinutes, JsonObject? SessionCustomClaims);

/// <summary>
/// <c>POST /v1/b2b/sessions/exchange</c>: a member with a live session gets a session of another organization in which a
/// member has the same email (a pending or invited one becomes active). Our organizations have no extra authentication
/// requirements, so the member is always fully authenticated. The new session carries the original session's factors
/// (the login the person really performed, with the target member's email id); the original session stays valid.
/// Costs: the target organization from cache, the session row (1 read), then the source member, the target member by
/// email and the expiry index side by side (1 round trip of latency), 1 signature and 1 transaction.
/// </summary>
public sealed class ExchangeSession(
    SessionLocator locator, SessionStore sessions, MemberStore members, OrganizationStore organizations, CreateMemberSession create,
    IdFormat ids, TimeProvider time, ILogger<ExchangeSession> log)
{
    public async Task<SessionResult> RunAsync(ExchangeCommand command, CancellationToken ct)
    {
        var duration = SessionDuration.Validate(command.SessionDurationMinutes ?? SessionDuration.Default);
        var claims = CustomClaims.Merge([], command.SessionCustomClaims);
        var address = await locator.FromTokenOrJwtAsync(command.SessionToken, command.SessionJwt, ct);
        var target = await organizations.GetAsync(command.OrganizationId, ct);
        if (target.OrganizationId == address.OrganizationId) throw new SessionException(ErrorTypes.ExchangeIntoSameOrganization);

        var row = address.Check(await sessions.GetAsync(address.OrganizationId, address.SessionKey, ct), SessionRecords.Truncate(time.GetUtcNow()));
        var source = SessionRecords.Member(row); // the email never changes; status, roles and the rest are read live below
        var factors = JsonSerializer.Deserialize<List<AuthenticationFactor>>(row.Factors, SessionJson.Options)!;
        var result = await create.RunAsync(new NewMemberSession(target, EmailAddress.Normalize(source.EmailAddress), duration, claims,
            ErrorTypes.MemberNotFound, (stored, _) => Carried(factors, stored), Precondition: RequireLiveMemberAsync(row, ct)), ct);
        log.LogInformation("Exchanged a session of {SourceOrganizationId} for one of member {MemberId} of {OrganizationId}.",
            address.OrganizationId, result.Member.MemberId, target.OrganizationId);
        return result;
    }

    /// <summary>A session whose member is deleted (or gone) is no session: it cannot be exchanged.</summary>
    private async Task RequireLiveMemberAsync(SessionEntity session, CancellationToken ct)
    {
        var member = ids.TryParseMember(session.MemberId, out _, out var memberKey)
            ? await members.GetAsync(session.PartitionKey, memberKey, ct)
            : null;
        if (member is null || member.Member.Status == MemberStatus.Deleted) throw new SessionException(ErrorTypes.SessionNotFound);
    }

    /// <summary>The original factors, kept as they were (type, delivery method, times); an email factor names the target member's email.</summary>
    private static IReadOnlyList<AuthenticationFactor> Carried(List<AuthenticationFactor> factors, StoredMember target) =>
        [.. factors.Select(f => f.EmailFactor is null ? f : f with { EmailFactor = new EmailFactor(target.EmailId, target.Member.EmailAddress) })];
}
