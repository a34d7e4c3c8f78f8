using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Core.Features;

/// <summary>
/// Optimistic concurrency: run an attempt (read, decide, conditional write) again when its write lost a race.
/// Every attempt re-reads, so no concurrent update is lost; a short jittered back-off spreads out contenders.
/// </summary>
internal static class Conflicts
{
    public const int MaxAttempts = 30;

    public static async Task<T> RetryAsync<T>(Func<int, Task<T>> attempt, CancellationToken ct)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return await attempt(i);
            }
            catch (RowChangedException) when (i < MaxAttempts - 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + Math.Min(i, 10) * 5)), ct);
            }
            catch (RowChangedException e)
            {
                throw new SessionException(ErrorTypes.ServerUnavailable, "The record is being changed by many requests at once. Please retry.", e);
            }
        }
    }
}
