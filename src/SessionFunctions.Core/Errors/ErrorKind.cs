namespace SessionFunctions.Core.Errors;

/// <summary>
/// What sort of failure an error is, independent of any transport. The API layer maps each kind to exactly one
/// HTTP status (see SessionFunctions.Api's ErrorStatus), so nothing in Core knows about HTTP.
/// </summary>
public enum ErrorKind
{
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    LengthRequired,
    PayloadTooLarge,
    UnsupportedMediaType,
    UnprocessableEntity,
    HeadersTooLarge,
    TooManyRequests,
    Internal,
    BadGateway,
    Unavailable,
}
