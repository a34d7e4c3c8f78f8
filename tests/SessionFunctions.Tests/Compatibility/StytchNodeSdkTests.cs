using System.Diagnostics;
using System.Text.Json;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Compatibility;

/// <summary>
/// The official Stytch Node SDK, pointed at this service's base URL, just works: migrate, authenticate by token and by
/// JWT (locally against our JWKS with jose, and remotely), list, JWKS, organization and member updates, exchange, attest, revoke,
/// and its error parsing.
/// The script is tests/compat/stytch-node-sdk.mjs; the SDK version is pinned in package.json.
/// </summary>
public sealed class StytchNodeSdkTests(StytchNodeSdkTests.HttpsServer server) : IClassFixture<StytchNodeSdkTests.HttpsServer>
{
    public sealed class HttpsServer : ServerFixture, IAsyncLifetime
    {
        protected override bool UseHttps => true;
        public string AuthorityPem => Certificates!.WriteAuthorityPem(WorkDirectory);

        /// <summary>A provider that signs its tokens (JWKS on loopback), for attest; its profile id is <c>sdk-idp-profile</c>.</summary>
        public FakeTrustedProvider Idp { get; private set; } = null!;

        async Task IAsyncLifetime.InitializeAsync()
        {
            Idp = await FakeTrustedProvider.StartAsync();
            await InitializeAsync();
        }

        async Task IAsyncLifetime.DisposeAsync()
        {
            await DisposeAsync();
            await Idp.DisposeAsync();
        }

        protected override IEnumerable<string> MoreSecrets => Idp.Issued;

        protected override void Configure(IDictionary<string, string?> settings)
        {
            settings["Sessions:Providers:sdk-idp:Issuer"] = Idp.Issuer;
            settings["Sessions:Providers:sdk-idp:Audience"] = Idp.Audience;
            settings["Sessions:Providers:sdk-idp:JwksUrl"] = Idp.JwksUrl;
            settings["Sessions:Providers:sdk-idp:ProfileId"] = "sdk-idp-profile";
        }
    }

    [Fact]
    public async Task The_official_node_sdk_migrates_authenticates_updates_exchanges_lists_and_revokes_against_this_service()
    {
        var organizationId = await server.NewOrganizationAsync();
        var memberId = await server.NewMemberAsync(organizationId, "sdk.user@example.com");
        var otherOrganizationId = await server.NewOrganizationAsync();
        var otherMemberId = await server.NewMemberAsync(otherOrganizationId, "sdk.user@example.com", pending: true);
        var attestOrganizationId = (await server.PostAsync("/v1/b2b/organizations", new
        {
            organization_name = "Attested", organization_slug = "org-" + Guid.NewGuid().ToString("N")[..12],
            trusted_metadata = new { legacy_provider = "sdk-idp" },
        })).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString()!;
        var attestMemberId = await server.NewMemberAsync(attestOrganizationId, "sdk.attested@example.com");
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
        start.Environment["NODE_EXTRA_CA_CERTS"] = server.AuthorityPem;
        start.Environment["ATTEST_PROFILE_ID"] = "sdk-idp-profile";
        start.Environment["ATTEST_ORGANIZATION_ID"] = attestOrganizationId;
        start.Environment["ATTEST_MEMBER_ID"] = attestMemberId;
        start.Environment["ATTEST_TOKEN"] = server.Idp.Token("sdk.attested@example.com", DateTimeOffset.UtcNow);
        start.Environment["ATTEST_TOKEN_2"] = server.Idp.Token("SDK.Attested@example.com", DateTimeOffset.UtcNow);
        using var node = Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        var errors = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();

        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        Assert.True(node.ExitCode == 0 && last.Contains("\"ok\":true"), $"the SDK script failed (exit {node.ExitCode}):\n{output}\n{errors}");
        Assert.Equal(16, JsonDocument.Parse(last).RootElement.GetProperty("checks").GetArrayLength());
    }
}
