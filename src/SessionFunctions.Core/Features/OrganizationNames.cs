using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;

namespace SessionFunctions.Core.Features;

/// <summary>
/// The rules every organization name obeys, on create and on update. An <c>organization_id</c> in a request may be an
/// id, a slug or an external id, so the three share one name space, compared with ASCII case folded: a slug or an
/// external id may not read as an organization id in any case, and may not name another organization either way
/// (the store's one name index enforces that).
/// </summary>
internal static class OrganizationNames
{
    /// <summary>The organization_name, trimmed: 1 to 128 characters, none of them control characters.</summary>
    public static string Name(string name)
    {
        var trimmed = name.Trim();
        return trimmed.Length is >= 1 and <= 128 && !trimmed.Any(char.IsControl)
            ? trimmed
            : throw new SessionException(ErrorTypes.InvalidOrganizationName);
    }

    public static string Slug(string slug, IdFormat ids) =>
        Slugs.IsValid(slug) && !ids.TryParseOrganization(AsciiCase.Fold(slug), out _)
            ? slug
            : throw new SessionException(ErrorTypes.InvalidOrganizationSlug);

    public static string? ExternalId(string? externalId, IdFormat ids) =>
        externalId is null
        || externalId.Length is >= 1 and <= 128 && !externalId.Any(char.IsControl) && !ids.TryParseOrganization(AsciiCase.Fold(externalId.Trim()), out _)
            ? externalId
            : throw new SessionException(ErrorTypes.InvalidOrganizationExternalId);
}
