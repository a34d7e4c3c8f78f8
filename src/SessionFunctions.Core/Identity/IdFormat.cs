using System.Diagnostics.CodeAnalysis;

namespace SessionFunctions.Core.Identity;

/// <summary>
/// Makes and reads this service's identifiers. They follow Stytch's <c>kind-env-…</c> shape and are opaque to clients,
/// but member and session ids also carry their organization's key, so a request that names only a member or a session
/// (revoke does) still reaches its organization's partition with a point read and no cross-partition lookup:
/// <list type="bullet">
/// <item><c>organization-test-{org uuid}</c></item>
/// <item><c>member-test-{org hex}{member hex}</c></item>
/// <item><c>member-session-test-{org hex}{member hex}{session hex}</c> (sessions stored next to their member), or
/// <c>member-session-test-{org hex}{session hex}</c> (the first layout, still read)</item>
/// </list>
/// </summary>
public sealed class IdFormat
{
    private readonly string _organization, _member, _session, _email, _request;

    public IdFormat(string projectId)
    {
        Environment = projectId.StartsWith("project-live-", StringComparison.Ordinal) ? "live" : "test";
        _organization = $"organization-{Environment}-";
        _member = $"member-{Environment}-";
        _session = $"member-session-{Environment}-";
        _email = $"email-{Environment}-";
        _request = $"request-id-{Environment}-";
    }

    /// <summary><c>live</c> for projects whose id starts with <c>project-live-</c>, otherwise <c>test</c>.</summary>
    public string Environment { get; }

    public string Organization(Guid organization) => _organization + organization.ToString("D");
    public string Member(Guid organization, Guid member) => _member + organization.ToString("N") + member.ToString("N");
    /// <summary>A session id of the first layout (the session in its organization's partition): org hex + session hex.</summary>
    public string Session(Guid organization, Guid session) => _session + organization.ToString("N") + session.ToString("N");
    /// <summary>A session id of a session stored next to its member: org hex + member hex + session hex.</summary>
    public string Session(Guid organization, Guid member, Guid session) =>
        _session + organization.ToString("N") + member.ToString("N") + session.ToString("N");
    public string NewEmailId() => _email + Guid.NewGuid().ToString("D");
    public string NewRequestId() => _request + Guid.NewGuid().ToString("D");
    public string NewJwkId(Guid key) => $"jwk-{Environment}-{key:D}";

    // Guid parsing is lenient (upper case, braces, white space); ids are compared as strings, so only the canonical
    // lower-case spelling that this class writes is accepted.
    public bool TryParseOrganization([NotNullWhen(true)] string? id, out Guid organization)
    {
        organization = default;
        return id is not null && id.StartsWith(_organization, StringComparison.Ordinal)
            && Guid.TryParseExact(id.AsSpan(_organization.Length), "D", out organization)
            && id.AsSpan(_organization.Length).SequenceEqual(organization.ToString("D")); // only the canonical spelling
    }

    /// <summary>The key of an organization id this service issued (a stored organization's, so always well-formed).</summary>
    public Guid OrganizationKey(string organizationId) =>
        TryParseOrganization(organizationId, out var key) ? key : throw new FormatException($"'{organizationId}' is not an organization id.");

    /// <summary>The member key of a member id this service issued (a stored member's, so always well-formed).</summary>
    public Guid MemberKey(string memberId) =>
        TryParseMember(memberId, out _, out var key) ? key : throw new FormatException($"'{memberId}' is not a member id.");

    public bool TryParseMember([NotNullWhen(true)] string? id, out Guid organization, out Guid member) =>
        TryParsePair(id, _member, out organization, out member);

    public bool TryParseSession([NotNullWhen(true)] string? id, out Guid organization, out Guid session) =>
        TryParsePair(id, _session, out organization, out session);

    /// <summary>
    /// Reads a session id of either layout: <paramref name="member"/> is the member key for a session stored next to its
    /// member (96 hex digits), null for the first layout (64).
    /// </summary>
    public bool TryParseSession([NotNullWhen(true)] string? id, out Guid organization, out Guid? member, out Guid session)
    {
        member = null;
        if (TryParsePair(id, _session, out organization, out session)) return true;
        if (id is null || id.Length != _session.Length + 96 || !TryParsePair(_session + id[_session.Length..^32], _session, out organization, out var m)
            || !Guid.TryParseExact(id.AsSpan(id.Length - 32), "N", out session) || !id.AsSpan(id.Length - 32).SequenceEqual(session.ToString("N")))
            return false;
        member = m;
        return true;
    }

    private static bool TryParsePair(string? id, string prefix, out Guid first, out Guid second)
    {
        first = second = default;
        if (id is null || id.Length != prefix.Length + 64 || !id.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var hex = id.AsSpan(prefix.Length);
        return Guid.TryParseExact(hex[..32], "N", out first) && Guid.TryParseExact(hex[32..], "N", out second)
            && hex.SequenceEqual(first.ToString("N") + second.ToString("N"));
    }
}
