using SessionFunctions.Core.Errors;

namespace SessionFunctions.Core.Features;

/// <summary><c>session_duration_minutes</c>: 5 to 527040 (366 days); migrate defaults to 60.</summary>
public static class SessionDuration
{
    public const int Min = 5, Max = 527040, Default = 60;

    public static TimeSpan Validate(int minutes) =>
        minutes is >= Min and <= Max ? TimeSpan.FromMinutes(minutes) : throw new SessionException(ErrorTypes.InvalidSessionDurationMinutes);
}
