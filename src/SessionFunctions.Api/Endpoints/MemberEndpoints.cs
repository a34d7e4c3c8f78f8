using SessionFunctions.Api.Http;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Features;

namespace SessionFunctions.Api.Endpoints;

internal static class MemberEndpoints
{
    public static async Task<object> Create(ApiRequest r)
    {
        var organizationId = r.Route("organization_id");
        var body = await r.ReadJsonAsync<CreateMemberBody>();
        var (member, organization) = await r.Service<CreateMember>().RunAsync(new CreateMemberCommand(
            organizationId, ApiRequest.Required(body.EmailAddress, "email_address"), body.Name, body.Roles, body.ExternalId,
            body.TrustedMetadata, body.UntrustedMetadata, body.CreateMemberAsPending ?? false, body.IsBreakglass ?? false), r.Aborted);
        return new MemberResponse(r.RequestId, member.MemberId, RoleAssignments.Effective(member, organization), organization);
    }

    public static async Task<object> Get(ApiRequest r)
    {
        var organizationId = r.Route("organization_id");
        var (stored, organization) = await r.Service<GetMember>().RunAsync(organizationId, r.Query("member_id"), r.Query("email_address"), r.Aborted);
        return new MemberResponse(r.RequestId, stored.Member.MemberId, RoleAssignments.Effective(stored.Member, organization), organization);
    }

    public static async Task<object> Update(ApiRequest r)
    {
        var (organizationId, memberId) = (r.Route("organization_id"), r.Route("member_id"));
        var body = await r.ReadJsonAsync<UpdateMemberBody>();
        var (member, organization) = await r.Service<UpdateMember>().RunAsync(new UpdateMemberCommand(
            organizationId, memberId, body.Name, body.Roles, body.ExternalId, body.TrustedMetadata, body.UntrustedMetadata, body.IsBreakglass), r.Aborted);
        return new MemberResponse(r.RequestId, member.MemberId, RoleAssignments.Effective(member, organization), organization);
    }

    public static async Task<object> Delete(ApiRequest r) =>
        new DeleteMemberResponse(r.RequestId, await r.Service<DeleteMember>().RunAsync(r.Route("organization_id"), r.Route("member_id"), r.Aborted));
}
