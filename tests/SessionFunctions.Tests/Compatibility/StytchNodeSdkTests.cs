using System.Diagnostics;
using System.Text.Json;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Compatibility;

/// <summary>
/// The official Stytch Node SDK, pointed at this service's base URL, just works: migrate, authenticate by token and by
/// JWT (locally against our JWKS with jose, and remotely), list, JWKS, organization and member updates, exchange, revoke,
/// and its error parsing; and RBAC: the policy endpoints its policy cache reads, an organization's custom roles, and a
/// matrix of 5 subjects (Stytch's default role, project roles, stytch_admin, an organization's custom role, a role granted
/// by email domain) x 4 resources x 3 actions on which its local checks and the server's agree cell by cell.
/// The script is tests/compat/stytch-node-sdk.mjs; the SDK version is pinned in package.json.
/// </summary>
public sealed class StytchNodeSdkTests(StytchNodeSdkTests.HttpsServer server) : IClassFixture<StytchNodeSdkTests.HttpsServer>
{
    public sealed class HttpsServer : ServerFixture
    {
        protected override bool UseHttps => true;
        public string AuthorityPem => Certificates!.WriteAuthorityPem(WorkDirectory);
    }

    [Fact]
    public async Task The_official_node_sdk_migrates_authenticates_updates_exchanges_lists_and_revokes_against_this_service()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, "sdk.user@example.com");
        var otherOrganizationId = await server.NewOrganizationAsync();
        var otherMemberId = await server.NewMemberAsync(otherOrganizationId, "sdk.user@example.com", pending: true);
        var root = Repository.Root;
        var script = Path.Combine(root, "tests", "compat", "stytch-node-sdk.mjs");
        Repository.NodeModule("stytch");

        var start = new ProcessStartInfo("node", [script]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        start.Environment["BASE_URL"] = server.Client.BaseAddress!.ToString().TrimEnd('/');
        start.Environment["PROJECT_ID"] = server.ProjectId;
        start.Environment["SECRET"] = server.Secret;
        start.Environment["ORGANIZATION_ID"] = organizationId;
        start.Environment["MEMBER_ID"] = memberId;
        start.Environment["OTHER_ORGANIZATION_ID"] = otherOrganizationId;
        start.Environment["OTHER_MEMBER_ID"] = otherMemberId;
        start.Environment["LEGACY_TOKEN"] = server.UserInfo.IssueToken("SDK.User@example.com");
        start.Environment["RBAC_SUBJECTS"] = JsonSerializer.Serialize(new[] { "plain", "editor", "adminAndBilling", "customRole", "byEmailDomain" }.ToDictionary(
            name => name,
            name =>
            {
                var email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@{(name == "byEmailDomain" ? "partners.example" : "example.com")}";
                server.RememberEmail(email);
                return new { email, token = server.UserInfo.IssueToken(email) };
            }));
        start.Environment["NODE_EXTRA_CA_CERTS"] = server.AuthorityPem;
        using var node = Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        var errors = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();

        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        Assert.True(node.ExitCode == 0 && last.Contains("\"ok\":true"), $"the SDK script failed (exit {node.ExitCode}):\n{output}\n{errors}");
        Assert.Equal(20, JsonDocument.Parse(last).RootElement.GetProperty("checks").GetArrayLength());
    }
}
