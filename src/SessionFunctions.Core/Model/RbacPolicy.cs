namespace SessionFunctions.Core.Model;

// Stytch's RBAC objects, field for field (GET /v1/b2b/rbac/policy, the organization's custom_roles and org_policy).

/// <summary>The project's RBAC policy: resources with their actions, roles with their permissions, and scopes.</summary>
public sealed record RbacPolicy(IReadOnlyList<PolicyRole> Roles, IReadOnlyList<PolicyResource> Resources, IReadOnlyList<PolicyScope> Scopes);

/// <summary>A role: a named set of permissions. An organization's custom roles have the same shape.</summary>
public sealed record PolicyRole(string RoleId, string Description, IReadOnlyList<PolicyPermission> Permissions);

/// <summary>Something the application acts on, and every action it knows for it.</summary>
public sealed record PolicyResource(string ResourceId, string Description, IReadOnlyList<string> Actions);

/// <summary>A scope (for tokens of connected apps): a named set of permissions.</summary>
public sealed record PolicyScope(string Scope, string Description, IReadOnlyList<PolicyPermission> Permissions);

/// <summary>Actions allowed on one resource; <c>*</c> allows every action.</summary>
public sealed record PolicyPermission(string ResourceId, IReadOnlyList<string> Actions);

/// <summary>An organization's own roles (<c>org_policy</c>), which supplement the project's policy.</summary>
public sealed record OrgPolicy(IReadOnlyList<PolicyRole> Roles);

/// <summary>Every member whose email has this domain holds this role (<c>rbac_email_implicit_role_assignments</c>).</summary>
public sealed record EmailImplicitRoleAssignment(string Domain, string RoleId);

/// <summary>The check <c>sessions/authenticate</c> accepts as <c>authorization_check</c>.</summary>
public sealed record AuthorizationCheck(string OrganizationId, string ResourceId, string Action);

/// <summary>The answer to an allowed check: always authorized, with the roles that allowed it.</summary>
public sealed record AuthorizationVerdict(bool Authorized, IReadOnlyList<string> GrantingRoles);
