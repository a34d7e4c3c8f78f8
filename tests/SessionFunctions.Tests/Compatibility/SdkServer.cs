using System.Diagnostics;
using System.Text.Json;
using SessionFunctions.Tests.Infrastructure;

namespace SessionFunctions.Tests.Compatibility;

/// <summary>
/// The server the official SDKs talk to: HTTPS (the SDKs accept only https base URLs) with a throwaway authority, and a
/// legacy provider that signs its tokens (JWKS on loopback, profile id <c>sdk-idp-profile</c>) for attest.
/// </summary>
public sealed class SdkServer : ServerFixture, IAsyncLifetime
{
    protected override bool UseHttps => true;
    public string AuthorityPem => Certificates!.WriteAuthorityPem(WorkDirectory);
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

    protected override IEnumerable<string> MoreSecrets { get { lock (Idp.Issued) return [.. Idp.Issued]; } }

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Sessions:Providers:sdk-idp:Issuer"] = Idp.Issuer;
        settings["Sessions:Providers:sdk-idp:Audience"] = Idp.Audience;
        settings["Sessions:Providers:sdk-idp:JwksUrl"] = Idp.JwksUrl;
        settings["Sessions:Providers:sdk-idp:ProfileId"] = "sdk-idp-profile";
    }

    /// <summary>
    /// What an SDK script needs (see tests/compat/*): organizations and members made here, a legacy token, two tokens the
    /// signing provider issued, and the addresses. <paramref name="email"/> must differ per script (one server may serve both).
    /// </summary>
    public async Task<Dictionary<string, string>> ScenarioAsync(string email)
    {
        var organizationId = await NewOrganizationAsync();
        var memberId = await NewMemberAsync(organizationId, email);
        var otherOrganizationId = await NewOrganizationAsync();
        var otherMemberId = await NewMemberAsync(otherOrganizationId, email, pending: true);
        var attestOrganizationId = (await PostAsync("/v1/b2b/organizations", new
        {
            organization_name = "Attested", organization_slug = "org-" + Guid.NewGuid().ToString("N")[..12],
            trusted_metadata = new { legacy_provider = "sdk-idp" },
        })).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString()!;
        var attestMemberId = await NewMemberAsync(attestOrganizationId, "attested." + email);
        return new()
        {
            ["BASE_URL"] = Client.BaseAddress!.ToString().TrimEnd('/'),
            ["PROJECT_ID"] = ProjectId,
            ["SECRET"] = Secret,
            ["ORGANIZATION_ID"] = organizationId,
            ["MEMBER_ID"] = memberId,
            ["OTHER_ORGANIZATION_ID"] = otherOrganizationId,
            ["OTHER_MEMBER_ID"] = otherMemberId,
            ["LEGACY_TOKEN"] = UserInfo.IssueToken(email.ToUpperInvariant()[..1] + email[1..]),
            ["ATTEST_PROFILE_ID"] = "sdk-idp-profile",
            ["ATTEST_ORGANIZATION_ID"] = attestOrganizationId,
            ["ATTEST_MEMBER_ID"] = attestMemberId,
            ["ATTEST_TOKEN"] = Idp.Token("attested." + email, DateTimeOffset.UtcNow),
            ["ATTEST_TOKEN_2"] = Idp.Token("Attested." + email, DateTimeOffset.UtcNow),
        };
    }

    /// <summary>Runs an SDK script with <paramref name="environment"/>; returns its last line's JSON after asserting it says ok.</summary>
    public static async Task<JsonElement> RunScriptAsync(string program, string script, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program, [script]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Root };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var last = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        Assert.True(process.ExitCode == 0 && (last.Contains("\"ok\": true") || last.Contains("\"ok\":true")),
            $"the SDK script failed (exit {process.ExitCode}):\n{await output}\n{await errors}");
        return JsonDocument.Parse(last).RootElement.Clone();
    }
}
