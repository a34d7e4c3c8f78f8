using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;

namespace SessionFunctions.Core.Features;

/// <summary>
/// The rules a member's name and external_id obey, on create and on update: a <c>member_id</c> in a request may be a member id
/// or an external id, so an external id may never read as a member id, in any case.
/// </summary>
internal static class MemberNames
{
    /// <summary>A member's name: at most 256 characters, none of them control characters.</summary>
    public static string? Name(string? name) =>
        name is null || IsValidName(name)
            ? name
            : throw new SessionException(ErrorTypes.InvalidArgument, "name must be at most 256 characters, none of them control characters.");

    public static bool IsValidName(string name) => name.Length <= 256 && !name.Any(char.IsControl);

    public static string? ExternalId(string? externalId, IdFormat ids)
    {
        if (externalId is null) return null;
        if (externalId.Length is < 1 or > 128 || externalId.Any(char.IsControl))
            throw new SessionException(ErrorTypes.InvalidArgument, "external_id must be between 1 and 128 characters.");
        if (ids.TryParseMember(AsciiCase.Fold(externalId.Trim()), out _, out _))
            throw new SessionException(ErrorTypes.InvalidArgument, "external_id may not have the form of a member id.");
        return externalId;
    }
}
