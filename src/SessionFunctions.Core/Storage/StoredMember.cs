using System.Text.Json;
using Azure;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Storage;

/// <summary>A member as read from one of its rows, with that row's ETag for a conditional write.</summary>
public sealed record StoredMember(Member Member, string EmailId, ETag ETag)
{
    internal static StoredMember From(MemberEntity e) =>
        new(JsonSerializer.Deserialize<Member>(e.Payload, SessionJson.Options)!, e.EmailId, e.ETag);
}

/// <summary>A write lost a race: the row changed between read and write (HTTP 412). The use case re-reads and retries.</summary>
internal sealed class RowChangedException(Exception inner) : Exception("The row changed since it was read.", inner);
