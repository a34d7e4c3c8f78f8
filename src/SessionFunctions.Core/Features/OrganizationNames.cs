using SessionFunctions.Core.Errors;
using SessionFunctions.Core.Identity;

namespace SessionFunctions.Core.Features;

/// <summary>
/// The rules every organization name obeys, on create and on update. An <c>organization_id</c> in a request may be an
/// id, a slug or an external id, so the three share one name space, compared with ASCII case folded: a slug or an
/// external id may not read as an organization id in any case, and may not name another organization either way
/// (the store's one name index enforces that). Every field an organization request writes is checked here, once for
/// create and update alike.
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

    public const int MaxLogoUrlLength = 2048;

    /// <summary>The organization_logo_url: at most 2,048 characters, none of them control characters ("" clears it).</summary>
    public static string? LogoUrl(string? logoUrl) =>
        logoUrl is null || logoUrl.Length <= MaxLogoUrlLength && !logoUrl.Any(char.IsControl)
            ? logoUrl
            : throw new SessionException(ErrorTypes.InvalidArgument, $"organization_logo_url must be at most {MaxLogoUrlLength} characters, none of them control characters.");
}
