using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;

namespace SessionFunctions.Core.Features;

/// <summary>
/// The rule a member's external_id obeys, on create and on update: a <c>member_id</c> in a request may be a member id
/// or an external id, so an external id may never read as a member id, in any case.
/// </summary>
internal static class MemberNames
{
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
