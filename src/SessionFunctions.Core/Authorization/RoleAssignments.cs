using System.Text.Json.Nodes;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Model;

namespace SessionFunctions.Core.Authorization;

/// <summary>
/// A member's roles as Stytch shows them: the stored ones (<c>stytch_member</c> and the directly assigned roles) and the
/// roles the organization grants to its email domain (<c>rbac_email_implicit_role_assignments</c>), with source
/// <c>email_assignment</c>. Implicit roles are never stored on the member: they follow the organization's setting at
/// once, in the member object, the session's roles and the JWT.
/// </summary>
public static class RoleAssignments
{
    public static Member Effective(Member member, Organization organization)
    {
        if (organization.RbacEmailImplicitRoleAssignments.Count == 0) return member;
        var domain = EmailDomain(member.EmailAddress);
        var roles = member.Roles.ToList();
        foreach (var grant in organization.RbacEmailImplicitRoleAssignments.Where(g => AsciiCase.Fold(g.Domain) == domain))
        {
            var source = new MemberRoleSource(MemberRoleSources.Email, new JsonObject { ["email_domain"] = grant.Domain });
            var i = roles.FindIndex(r => r.RoleId == grant.RoleId);
            if (i < 0) roles.Add(new MemberRole(grant.RoleId, [source]));
            else roles[i] = roles[i] with { Sources = [.. roles[i].Sources, source] };
        }
        return roles.Count == member.Roles.Count && roles.SequenceEqual(member.Roles) ? member : member with { Roles = roles };
    }

    /// <summary>The role ids a session of this member carries (its MemberSession's and its JWT's <c>roles</c>).</summary>
    public static IReadOnlyList<string> SessionRoles(Member member, Organization organization) => Effective(member, organization).RoleIds();

    private static string EmailDomain(string email) => AsciiCase.Fold(email[(email.LastIndexOf('@') + 1)..].Trim());
}
