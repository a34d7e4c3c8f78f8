using System.Text.Json;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Compatibility;

/// <summary>
/// The official Stytch Node SDK, pointed at this service's base URL, just works: migrate, authenticate by token and by
/// JWT (locally against our JWKS with jose, and remotely), list, JWKS, organization and member updates, exchange, attest,
/// revoke, and its error parsing; and RBAC: the policy endpoints its policy cache reads, an organization's custom roles, and a
/// matrix of 5 subjects (Stytch's default role, project roles, stytch_admin, an organization's custom role, a role granted
/// by email domain) x 4 resources x 3 actions on which its local checks and the server's agree cell by cell.
/// The script is tests/compat/stytch-node-sdk.mjs; the SDK version is pinned in package.json.
/// </summary>
public sealed class StytchNodeSdkTests(SdkServer server) : IClassFixture<SdkServer>
{
    [Fact]
    public async Task The_official_node_sdk_migrates_authenticates_updates_exchanges_attests_lists_and_revokes_against_this_service()
    {
        Repository.NodeModule("stytch");
        var environment = await server.ScenarioAsync("sdk.user@example.com");
        environment["RBAC_SUBJECTS"] = JsonSerializer.Serialize(new[] { "plain", "editor", "adminAndBilling", "customRole", "byEmailDomain" }.ToDictionary(
            name => name,
            name =>
            {
                var email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@{(name == "byEmailDomain" ? "partners.example" : "example.com")}";
                server.RememberEmail(email);
                return new { email, token = server.UserInfo.IssueToken(email) };
            }));
        environment["NODE_EXTRA_CA_CERTS"] = server.AuthorityPem;
        var result = await SdkServer.RunScriptAsync("node", Path.Combine(Repository.Root, "tests", "compat", "stytch-node-sdk.mjs"), environment);
        Assert.Equal(24, result.GetProperty("checks").GetArrayLength());
    }
}
