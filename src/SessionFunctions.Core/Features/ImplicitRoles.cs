using System.Text.Json.Nodes;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Features;

/// <summary>
/// Roles by email domain (<c>rbac_email_implicit_role_assignments</c>): a member whose email has an assignment's domain
/// holds its role, with an <c>email_assignment</c> source naming the domain (beside a <c>direct_assignment</c> when the
/// role is also assigned directly). Worked out from the organization as it is now each time a member or a session is
/// shown, never stored: members created before an assignment was added hold its role at their next authenticate, and
/// removing it takes the role away just as fast.
/// </summary>
internal static class ImplicitRoles
{
    public const string EmailAssignment = "email_assignment";

    public static Member Apply(Organization organization, Member member)
    {
        if (organization.RbacEmailImplicitRoleAssignments.Count == 0) return member;
        var domain = EmailDomains.Of(member.EmailAddress);
        var granted = organization.RbacEmailImplicitRoleAssignments.Where(a => a.Domain == domain).Select(a => a.RoleId).Distinct(StringComparer.Ordinal).ToList();
        if (granted.Count == 0) return member;

        var roles = member.Roles.ToList();
        foreach (var roleId in granted)
        {
            var source = new MemberRoleSource(EmailAssignment, new JsonObject { ["email_domain"] = domain });
            var i = roles.FindIndex(r => r.RoleId == roleId);
            if (i >= 0) roles[i] = roles[i] with { Sources = [.. roles[i].Sources, source] };
            else roles.Add(new MemberRole(roleId, [source]));
        }
        return member with { Roles = roles, IsAdmin = member.IsAdmin || granted.Contains(Model.Roles.Admin) };
    }
}
