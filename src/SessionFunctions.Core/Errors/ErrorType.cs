namespace SessionFunctions.Core.Errors;

/// <summary>
/// One entry of the error catalog: the Stytch <c>error_type</c> string, its kind, and the default message.
/// Several entries may share a <see cref="Value"/> when Stytch uses one type for failures of different kinds
/// (a rejected legacy token and an unreachable legacy provider are both <c>migrate_from_external_unexpected_response</c>).
/// </summary>
public sealed record ErrorType(string Value, ErrorKind Kind, string Message)
{
    public override string ToString() => Value;
}
