using System.Globalization;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// When Wrapped mode's signing keys are made, published, used and retired. Time is cut into periods of
/// <c>Signing__RotationInterval</c> counted from the Unix epoch, so every instance names the same period the same way
/// and the key of a period lives in one well-known row (<see cref="RowKey"/>): whoever inserts it first made it.
/// A period's key is made once the period is <c>Signing__RotationLead</c> away; from then on it is published, and it
/// signs from its <see cref="SigningKeyEntity.SignFrom"/> (the period start, or one lead after it was made if it was
/// made late), so every instance and cached JWKS knows a key before any JWT carries it. A key stays published for
/// <c>Signing__RotationOverlapDays</c> after its successor started signing.
/// </summary>
internal static class WrappedKeySchedule
{
    public const string Partition = "keys";

    public static DateTimeOffset PeriodStart(DateTimeOffset at, TimeSpan interval)
    {
        var sinceEpoch = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new DateTimeOffset(at.UtcTicks - sinceEpoch % interval.Ticks, TimeSpan.Zero);
    }

    public static string RowKey(DateTimeOffset periodStart) =>
        "key|" + periodStart.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The periods whose key must exist at <paramref name="now"/>: the current one, and the next once it is a lead away.</summary>
    public static IEnumerable<DateTimeOffset> Due(DateTimeOffset now, TimeSpan interval, TimeSpan lead)
    {
        var current = PeriodStart(now, interval);
        yield return current;
        if (now >= current + interval - lead) yield return current + interval;
    }

    /// <summary>When a key made at <paramref name="createdAt"/> for <paramref name="periodStart"/> may sign.</summary>
    public static DateTimeOffset SignFrom(DateTimeOffset periodStart, DateTimeOffset createdAt, TimeSpan lead, bool firstKey) =>
        firstKey ? createdAt : createdAt + lead > periodStart ? createdAt + lead : periodStart; // the first key: nobody verifies anything yet

    /// <summary>
    /// The keys to publish at <paramref name="now"/>, the signing one first (the latest whose <c>SignFrom</c> has come),
    /// then the rest newest first: keys not signing yet, and older keys whose successor began signing less than
    /// <paramref name="overlap"/> ago. Empty when there are no keys.
    /// </summary>
    public static List<SigningKeyEntity> Select(IEnumerable<SigningKeyEntity> rows, DateTimeOffset now, TimeSpan overlap)
    {
        var ordered = rows.OrderBy(r => r.SignFrom).ThenBy(r => r.RowKey, StringComparer.Ordinal).ToList();
        if (ordered.Count == 0) return [];
        var signer = Math.Max(0, ordered.FindLastIndex(r => r.SignFrom <= now)); // none due (clock skew): the earliest signs
        var published = new List<SigningKeyEntity> { ordered[signer] };
        for (var i = ordered.Count - 1; i >= 0; i--)
            if (i > signer || i < signer && now < ordered[i + 1].SignFrom + overlap)
                published.Add(ordered[i]);
        return published;
    }
}
