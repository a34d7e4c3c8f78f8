using SessionFunctions.Core.Features;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// How long a key that stopped signing still verifies JWTs: as long as a session it signed can live. A JWT's <c>exp</c>
/// is 5 minutes, but an expired JWT authenticates its session while the session lives (as with Stytch), and a session
/// lives up to 366 days (<see cref="SessionDuration.Max"/>). A key is therefore kept for verification for 366 days after
/// its successor took over, plus the key refresh interval (an instance may sign with the old key until it refreshes)
/// and a day of margin for clocks. The JWKS drops it earlier, after <c>Signing__RotationOverlapDays</c>: a client
/// verifying JWTs locally must send an older JWT to authenticate (or use the session_token) to get a fresh one.
/// </summary>
public static class SigningKeyRetention
{
    public static TimeSpan VerifyFor(SigningOptions options) =>
        TimeSpan.FromMinutes(SessionDuration.Max) + options.KeyRefreshInterval + TimeSpan.FromDays(1);

    /// <summary>Marks <paramref name="verifying"/> keys that are not in <paramref name="published"/> as retired, after the published ones.</summary>
    internal static IReadOnlyList<T> Retired<T>(IReadOnlyList<T> published, IEnumerable<T> verifying) =>
        [.. verifying.Where(k => !published.Contains(k))];
}
