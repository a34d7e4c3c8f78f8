using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Compatibility;

/// <summary>
/// The official Stytch Node SDK, pointed at this service's base URL, just works: migrate, authenticate by token and by
/// JWT (locally against our JWKS with jose, and remotely), list, JWKS, organization and member updates, exchange, attest,
/// revoke, and its error parsing.
/// The script is tests/compat/stytch-node-sdk.mjs; the SDK version is pinned in package.json.
/// </summary>
public sealed class StytchNodeSdkTests(SdkServer server) : IClassFixture<SdkServer>
{
    [Fact]
    public async Task The_official_node_sdk_migrates_authenticates_updates_exchanges_attests_lists_and_revokes_against_this_service()
    {
        Repository.NodeModule("stytch");
        var environment = await server.ScenarioAsync("sdk.user@example.com");
        environment["NODE_EXTRA_CA_CERTS"] = server.AuthorityPem;
        var result = await SdkServer.RunScriptAsync("node", Path.Combine(Repository.Root, "tests", "compat", "stytch-node-sdk.mjs"), environment);
        Assert.Equal(16, result.GetProperty("checks").GetArrayLength());
    }
}
