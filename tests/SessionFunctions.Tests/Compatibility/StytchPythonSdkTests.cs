namespace SessionFunctions.Tests.Compatibility;

/// <summary>
/// The official Stytch Python SDK against this service: migrate, authenticate (by token, and locally by JWT through
/// PyJWKClient and our JWKS), attest (new session, into a live session, another profile refused) and revoke. Its source is
/// not part of this repository and PyPI is not reachable from CI: the test runs when <c>STYTCH_PYTHON_SDK</c> names a
/// checkout of stytchauth/stytch-python whose dependencies (requests, pydantic 2, PyJWT with cryptography, aiohttp) the
/// interpreter in <c>STYTCH_PYTHON</c> (default <c>python3</c>) can import, and is reported as skipped otherwise.
/// The script is tests/compat/stytch-python-sdk.py.
/// </summary>
public sealed class StytchPythonSdkTests(SdkServer server) : IClassFixture<SdkServer>
{
    public const string CheckoutVariable = "STYTCH_PYTHON_SDK";

    [PythonSdkFact]
    public async Task The_official_python_sdk_migrates_authenticates_attests_and_revokes_against_this_service()
    {
        var environment = await server.ScenarioAsync("py.user@example.com");
        environment[CheckoutVariable] = Environment.GetEnvironmentVariable(CheckoutVariable)!;
        environment["REQUESTS_CA_BUNDLE"] = server.AuthorityPem;
        environment["SSL_CERT_FILE"] = server.AuthorityPem;
        var python = Environment.GetEnvironmentVariable("STYTCH_PYTHON") is { Length: > 0 } p ? p : "python3";
        var result = await SdkServer.RunScriptAsync(python, Path.Combine(Infrastructure.Repository.Root, "tests", "compat", "stytch-python-sdk.py"), environment);
        Assert.Equal(7, result.GetProperty("checks").GetArrayLength());
    }

    /// <summary>A fact that is skipped, with the reason, unless <c>STYTCH_PYTHON_SDK</c> names a stytch-python checkout.</summary>
    private sealed class PythonSdkFactAttribute : FactAttribute
    {
        public PythonSdkFactAttribute()
        {
            if (Environment.GetEnvironmentVariable(CheckoutVariable) is not { Length: > 0 } path || !File.Exists(Path.Combine(path, "stytch", "__init__.py")))
                Skip = $"Set {CheckoutVariable} to a checkout of stytchauth/stytch-python (and STYTCH_PYTHON to an interpreter that imports its dependencies) to run the Python SDK against the service.";
        }
    }
}
