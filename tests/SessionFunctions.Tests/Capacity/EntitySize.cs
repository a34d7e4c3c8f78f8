using Azure.Data.Tables;

namespace SessionFunctions.Tests.Capacity;

/// <summary>
/// The size of a stored entity as Table Storage counts it (Microsoft's formula, "How the size of an entity is calculated
/// in Windows Azure Table Storage", MSDN blog, 2011): 4 bytes + 2 per character of PartitionKey and RowKey, and per
/// property 8 bytes + 2 per character of its name + its value (a string 4 + 2 per character, binary 4 + its length,
/// DateTime, Int64 and Double 8, Guid 16, Int32 4, Boolean 1). Timestamp is in the 4 bytes.
/// </summary>
public static class EntitySize
{
    public static int Bytes(TableEntity entity)
    {
        var size = 4 + 2 * (entity.PartitionKey.Length + entity.RowKey.Length);
        foreach (var (name, value) in entity)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag") continue;
            size += 8 + 2 * name.Length + value switch
            {
                string s => 4 + 2 * s.Length,
                byte[] b => 4 + b.Length,
                BinaryData d => 4 + d.ToArray().Length,
                DateTimeOffset or DateTime or long or double => 8,
                Guid => 16,
                int => 4,
                bool => 1,
                null => 0,
                _ => throw new InvalidOperationException($"no size for property {name} of type {value.GetType()}"),
            };
        }
        return size;
    }
}
