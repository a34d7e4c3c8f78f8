using SessionFunctions.Core.Errors;

namespace SessionFunctions.Api.Http;

/// <summary>The one place where an error's kind becomes an HTTP status.</summary>
public static class ErrorStatus
{
    public static int Of(ErrorKind kind) => kind switch
    {
        ErrorKind.BadRequest => 400,
        ErrorKind.Unauthorized => 401,
        ErrorKind.Forbidden => 403,
        ErrorKind.NotFound => 404,
        ErrorKind.MethodNotAllowed => 405,
        ErrorKind.Conflict => 409,
        ErrorKind.LengthRequired => 411,
        ErrorKind.PayloadTooLarge => 413,
        ErrorKind.UnsupportedMediaType => 415,
        ErrorKind.UnprocessableEntity => 422,
        ErrorKind.HeadersTooLarge => 431,
        ErrorKind.TooManyRequests => 429,
        ErrorKind.BadGateway => 502,
        ErrorKind.Unavailable => 503,
        _ => 500,
    };
}
