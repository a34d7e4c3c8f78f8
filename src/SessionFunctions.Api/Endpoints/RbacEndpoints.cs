using SessionFunctions.Api.Http;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Api.Endpoints;

/// <summary>
/// Stytch's B2B RBAC endpoints, which the SDKs' policy caches read for local authorization checks: the project's policy
/// (from memory) and an organization's custom roles (from the organization, cached).
/// </summary>
internal static class RbacEndpoints
{
    public static Task<object> Policy(ApiRequest r) =>
        Task.FromResult<object>(new PolicyResponse(r.RequestId, r.Service<ProjectPolicy>().Policy));

    public static async Task<object> GetOrganizationPolicy(ApiRequest r) =>
        new OrgPolicyResponse(r.RequestId, new OrgPolicy((await r.Service<OrganizationStore>().GetAsync(r.Route("organization_id"), r.Aborted)).CustomRoles));

    public static async Task<object> SetOrganizationPolicy(ApiRequest r)
    {
        var body = await r.ReadJsonAsync<SetOrgPolicyBody>();
        var organization = await r.Service<SetOrganizationPolicy>().RunAsync(r.Route("organization_id"), body.OrgPolicy, r.Aborted);
        return new OrgPolicyResponse(r.RequestId, new OrgPolicy(organization.CustomRoles));
    }
}

public sealed class SetOrgPolicyBody
{
    public OrgPolicy? OrgPolicy { get; set; }
}
