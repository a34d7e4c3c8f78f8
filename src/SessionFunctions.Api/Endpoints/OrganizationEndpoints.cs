using SessionFunctions.Api.Http;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Storage;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Api.Endpoints;

internal static class OrganizationEndpoints
{
    public static async Task<object> Create(ApiRequest r)
    {
        var body = await r.ReadJsonAsync<CreateOrganizationBody>();
        var organization = await r.Service<CreateOrganization>().RunAsync(new CreateOrganizationCommand(
            ApiRequest.Required(body.OrganizationName, "organization_name"), body.OrganizationSlug, body.OrganizationExternalId,
            body.OrganizationLogoUrl, body.TrustedMetadata, body.RbacEmailImplicitRoleAssignments), r.Aborted);
        return new OrganizationResponse(r.RequestId, organization);
    }

    public static async Task<object> Update(ApiRequest r)
    {
        var organizationId = r.Route("organization_id");
        var body = await r.ReadJsonAsync<UpdateOrganizationBody>();
        var organization = await r.Service<UpdateOrganization>().RunAsync(new UpdateOrganizationCommand(
            organizationId, body.OrganizationName, body.OrganizationSlug, body.OrganizationExternalId, body.OrganizationLogoUrl, body.TrustedMetadata,
            body.RbacEmailImplicitRoleAssignments), r.Aborted);
        return new OrganizationResponse(r.RequestId, organization);
    }

    public static async Task<object> Get(ApiRequest r) =>
        new OrganizationResponse(r.RequestId, await r.Service<OrganizationStore>().GetAsync(r.Route("organization_id"), r.Aborted));
}
