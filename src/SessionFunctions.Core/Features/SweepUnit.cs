using Azure.Data.Tables;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// One unit of sweep work, and its text (a queue message on the Functions runtime): every expiry index row of one shard
/// in the minutes before <see cref="Before"/> (<c>{x}&lt;{yyyyMMddHHmm}</c>, e.g. <c>a&lt;202612061031</c>: partitions
/// <c>sa-…</c> up to minute 202612061030), or, with no shard, every row still indexed under the earlier key schemes
/// (<c>earlier&lt;{yyyyMMddHHmm}</c>: the bare minute, and the minute with a shard of the session key). A shard's
/// backlog is one unit however many minutes it spans: a sweep that fell behind visits each member partition once.
/// </summary>
public sealed record SweepUnit(char? Shard, string Before)
{
    private const string Earlier = "earlier";

    /// <summary>The query over the expiry index that reads this unit's rows.</summary>
    internal string Filter => Shard is { } shard
        ? TableClient.CreateQueryFilter($"PartitionKey ge {Keys.ExpiryShardStart(shard)} and PartitionKey lt {Keys.ExpiryShardStart(shard) + Before}")
        : TableClient.CreateQueryFilter($"PartitionKey lt {Before}"); // earlier keys start with a digit, shard-first keys with 's'

    /// <summary>The units a plan may list when the minute <paramref name="before"/> begins: the earlier keys, then each shard.</summary>
    internal static IEnumerable<SweepUnit> All(string before) =>
        [new(null, before), .. "0123456789abcdef".Select(shard => new SweepUnit(shard, before))];

    public override string ToString() => (Shard?.ToString() ?? Earlier) + "<" + Before;

    /// <summary>
    /// Reads a unit that is due when the minute <paramref name="current"/> has begun (its <see cref="Before"/> is at or
    /// before it). Also reads a message of the plans before shard-first keys (one earlier-scheme partition, e.g.
    /// <c>202612061030-a</c>) as the earlier keys up to that minute. Anything else, or a unit not yet due, is refused.
    /// </summary>
    public static bool TryParse(string? text, string current, out SweepUnit unit)
    {
        unit = null!;
        if (text is null) return false;
        if (Keys.IsEarlierExpiryPartition(text))
        {
            if (!Keys.IsExpiryBucket(text[..12]) || string.CompareOrdinal(text[..12], current) >= 0) return false;
            unit = new(null, NextMinute(text[..12]));
            return true;
        }
        var at = text.IndexOf('<');
        if (at < 0) return false;
        var (shard, before) = (text[..at], text[(at + 1)..]);
        if (!Keys.IsExpiryBucket(before) || string.CompareOrdinal(before, current) > 0) return false;
        if (shard == Earlier) unit = new(null, before);
        else if (shard.Length == 1 && char.IsAsciiHexDigitLower(shard[0])) unit = new(shard[0], before);
        else return false;
        return true;
    }

    private static string NextMinute(string minute) =>
        Keys.TryParseExpiryBucket(minute, out var at) ? Keys.ExpiryBucket(at.AddMinutes(1)) : throw new FormatException("not an expiry minute");
}
