namespace SessionFunctions.Core.Errors;

/// <summary>A failure the caller should see: carries one catalog entry and, optionally, a more precise message.</summary>
public sealed class SessionException(ErrorType type, string? message = null, Exception? inner = null)
    : Exception(message ?? type.Message, inner)
{
    public ErrorType Type { get; } = type;

    /// <summary>When the caller may try again (the answer's <c>Retry-After</c>), for refusals that end at a known time.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
