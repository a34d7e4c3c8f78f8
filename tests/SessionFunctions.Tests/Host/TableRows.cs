using Azure.Data.Tables;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Host;

/// <summary>Reads the host's tables directly: whether a session's row is still stored (where the service keeps it).</summary>
public sealed class TableRows(string storage, string tablePrefix)
{
    private readonly TableClient _members = new TableServiceClient(storage).GetTableClient(tablePrefix + "Members");

    public async Task<bool> HasSessionAsync(ApiCall session) =>
        (await _members.GetEntityIfExistsAsync<TableEntity>(SessionRows.Partition(session), SessionRows.RowKey(session), select: ["RowKey"])).HasValue;
}
