using SessionFunctions.Core.Authorization;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Unit;

/// <summary>The project's policy file (Rbac__PolicyPath): Stytch's shape, Stytch's defaults, and every problem named.</summary>
public sealed class PolicyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sessionfunctions-policy").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private List<string> Errors(string json)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        var (policy, errors) = PolicyFile.Load(path);
        Assert.Equal(errors.Count == 0, policy is not null);
        Assert.All(errors, e => Assert.StartsWith($"Rbac__PolicyPath ({path})", e));
        return errors;
    }

    [Fact]
    public void Without_a_file_the_policy_is_stytchs_default_roles_and_resources()
    {
        var (policy, errors) = PolicyFile.Load(null);

        Assert.Empty(errors);
        Assert.Equal(["stytch_member", "stytch_admin"], policy!.Roles.Select(r => r.RoleId));
        Assert.Equal(["stytch.organization", "stytch.member", "stytch.sso", "stytch.self"], policy.Resources.Select(r => r.ResourceId));
        Assert.Equal([("stytch.self", "*")], policy.Roles[0].Permissions.SelectMany(p => p.Actions.Select(a => (p.ResourceId, a))));
    }

    [Fact]
    public void The_example_policy_in_the_repository_is_valid()
    {
        var (policy, errors) = PolicyFile.Load(ServerFixture.ExamplePolicyPath);

        Assert.Empty(errors);
        Assert.Contains(policy!.Roles, r => r.RoleId == "editor");
    }

    [Theory]
    [InlineData("""{"roles":[{"role_id":"r","description":"","permissions":[{"resource_id":"nope","actions":["read"]}]}]}""", "role 'r' has a permission on unknown resource 'nope'")]
    [InlineData("""{"resources":[{"resource_id":"docs","description":"","actions":["read"]}],"roles":[{"role_id":"r","description":"","permissions":[{"resource_id":"docs","actions":["fly"]}]}]}""", "role 'r' grants action 'fly' on resource 'docs'")]
    [InlineData("""{"roles":[{"role_id":"r","description":"","permissions":[{"resource_id":"stytch.member","actions":["fly"]}]}]}""", "grants action 'fly' on resource 'stytch.member'")]
    [InlineData("""{"resources":[{"resource_id":"stytch.docs","description":"","actions":["read"]}]}""", "resource 'stytch.docs' starts with 'stytch'")]
    [InlineData("""{"resources":[{"resource_id":"docs","description":"","actions":["read"]},{"resource_id":"docs","description":"","actions":["read"]}]}""", "resource 'docs' is declared twice")]
    [InlineData("""{"roles":[{"role_id":"r","description":"","permissions":[]},{"role_id":"r","description":"","permissions":[]}]}""", "role 'r' is declared twice")]
    [InlineData("""{"roles":[{"role_id":"stytch_owner","description":"","permissions":[]}]}""", "role 'stytch_owner' starts with 'stytch'")]
    [InlineData("""{"scopes":[{"scope":"s","description":"","permissions":[{"resource_id":"nope","actions":["read"]}]},{"scope":"s","description":"","permissions":[]}]}""", "scope 's' is declared twice")]
    [InlineData("""{"resources":[{"resource_id":"docs","description":"","actions":["read","read"]}]}""", "lists action 'read' twice")]
    [InlineData("""{"roles":[{"role_id":"r","description":"","permissions":[{"resource_id":"stytch.self","actions":["*","delete"]}]}]}""", "lists '*' with other actions")]
    [InlineData("""{"roles": [""", "could not be read as a Stytch RBAC policy")]
    public void A_bad_policy_is_refused_naming_what_is_wrong(string json, string expected)
    {
        Assert.Contains(Errors(json), e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_and_stytchs_roles_may_be_redefined()
    {
        var errors = Errors("""
            {"resources":[{"resource_id":"stytch.x","description":"","actions":["a"]}],
             "roles":[{"role_id":"stytch_member","description":"","permissions":[{"resource_id":"nope","actions":["a"]}]},
                      {"role_id":"stytch_admin","description":"","permissions":[{"resource_id":"stytch.self","actions":["fly"]}]}]}
            """);

        Assert.Equal(3, errors.Count);
        Assert.Empty(Errors("""{"roles":[{"role_id":"stytch_member","description":"","permissions":[]}]}"""));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var (_, errors) = PolicyFile.Load(Path.Combine(_directory, "missing.json"));

        Assert.Contains("Rbac__PolicyPath", Assert.Single(errors));
    }
}
