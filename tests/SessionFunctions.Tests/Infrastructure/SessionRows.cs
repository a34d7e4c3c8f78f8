using SessionFunctions.Core.Storage;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>Where the service stores a session it answered with: next to its member, in the member's partition.</summary>
public static class SessionRows
{
    private static string Id(ApiCall session) => session.Json.GetProperty("member_session").GetProperty("member_session_id").GetString()!;
    private static string OrganizationId(ApiCall session) => session.Json.GetProperty("member_session").GetProperty("organization_id").GetString()!;

    /// <summary>The member key (hex) of a session id of the current layout (org hex + member hex + session hex).</summary>
    public static Guid MemberKey(string memberSessionId) => Guid.ParseExact(memberSessionId[^64..^32], "N");

    /// <summary><c>member|{member}|session|{session}</c></summary>
    public static string RowKey(ApiCall session) => RowKey(Id(session));
    public static string RowKey(string memberSessionId) => Keys.MemberSession(MemberKey(memberSessionId), Guid.ParseExact(memberSessionId[^32..], "N"));

    public static string Partition(ApiCall session) => MemberPartition.Of(OrganizationId(session), MemberKey(Id(session)));

    /// <summary>The partition of a member, from its member id.</summary>
    public static string MemberPartitionOf(string organizationId, string memberId) => MemberPartition.Of(organizationId, Guid.ParseExact(memberId[^32..], "N"));

    /// <summary>True for a stored session row (either layout) in an AllRowsAsync listing of the members table of this organization.</summary>
    public static bool IsSessionRow(string row, string organizationId) => row.StartsWith($"Members/{organizationId}", StringComparison.Ordinal) && IsSessionRow(row);

    /// <summary>True for a stored session row (either layout) in an AllRowsAsync listing (<c>Members/{partition}/{row}</c>).</summary>
    public static bool IsSessionRow(string row) =>
        row.StartsWith("Members/", StringComparison.Ordinal) && (row.Contains("/session|", StringComparison.Ordinal) || row.Contains("|session|", StringComparison.Ordinal));
}
