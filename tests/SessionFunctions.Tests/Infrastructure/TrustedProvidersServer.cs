using System.Security.Cryptography;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>
/// A server (fake clock) whose organizations may trust providers that vouch by signature, each its own loopback
/// <see cref="FakeTrustedProvider"/>: <c>signed</c> (JWKS only, no UserInfo, two audiences), <c>hybrid</c> (discovery
/// document and a UserInfo endpoint, profile id <c>hybrid-profile</c>), <c>pem</c> (an ECDSA P-256 PEM key, ES256),
/// <c>down</c> (a JWKS that never answers), <c>flaky</c> (JWKS only, for the one test that makes its refresh fail, so the
/// failure's after-effects stay off the providers other tests count fetches of) and <c>budget</c> (UserInfo only, at most 1 call per second).
/// </summary>
public sealed class TrustedProvidersServer : ServerFixture, IAsyncLifetime
{
    public FakeTrustedProvider Signed { get; private set; } = null!;
    public FakeTrustedProvider Hybrid { get; private set; } = null!;
    public FakeTrustedProvider Down { get; private set; } = null!;
    public FakeTrustedProvider Flaky { get; private set; } = null!;
    public FakeUserInfoProvider HybridUserInfo { get; private set; } = null!;
    public FakeUserInfoProvider BudgetUserInfo { get; private set; } = null!;
    public ECDsa PemKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public const string PemKid = "pem-key";

    protected override bool UseFakeClock => true;

    public DateTimeOffset Now => Clock!.GetUtcNow();

    async Task IAsyncLifetime.InitializeAsync()
    {
        Signed = await FakeTrustedProvider.StartAsync();
        Hybrid = await FakeTrustedProvider.StartAsync("hybrid-client-id");
        Down = await FakeTrustedProvider.StartAsync();
        Down.Failing = true;
        Flaky = await FakeTrustedProvider.StartAsync();
        HybridUserInfo = await FakeUserInfoProvider.StartAsync();
        BudgetUserInfo = await FakeUserInfoProvider.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        foreach (var p in new[] { Signed, Hybrid, Down, Flaky }) await p.DisposeAsync();
        await HybridUserInfo.DisposeAsync();
        await BudgetUserInfo.DisposeAsync();
        PemKey.Dispose();
    }

    protected override IEnumerable<string> MoreSecrets =>
        new[] { Signed, Hybrid, Down, Flaky }.SelectMany(p => { lock (p.Issued) return p.Issued.ToList(); })
            .Concat(HybridUserInfo.IssuedTokens).Concat(BudgetUserInfo.IssuedTokens);

    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Sessions:Providers:signed:Issuer"] = Signed.Issuer;
        settings["Sessions:Providers:signed:Audience"] = "api://other, " + Signed.Audience;
        settings["Sessions:Providers:signed:JwksUrl"] = Signed.JwksUrl;

        settings["Sessions:Providers:hybrid:UserInfoUrl"] = HybridUserInfo.UserInfoUrl;
        settings["Sessions:Providers:hybrid:Issuer"] = Hybrid.Issuer;
        settings["Sessions:Providers:hybrid:Audience"] = Hybrid.Audience;
        settings["Sessions:Providers:hybrid:MetadataUrl"] = Hybrid.MetadataUrl;
        settings["Sessions:Providers:hybrid:ProfileId"] = "hybrid-profile";

        var pem = Path.Combine(WorkDirectory, "pem-provider.pem");
        Directory.CreateDirectory(WorkDirectory);
        File.WriteAllText(pem, PemKey.ExportSubjectPublicKeyInfoPem());
        settings["Sessions:Providers:pem:Issuer"] = "https://pem.example/";
        settings["Sessions:Providers:pem:Audience"] = "pem-audience";
        settings["Sessions:Providers:pem:SigningKeyPath"] = pem;
        settings["Sessions:Providers:pem:Algorithms"] = "ES256";

        settings["Sessions:Providers:down:Issuer"] = Down.Issuer;
        settings["Sessions:Providers:down:Audience"] = Down.Audience;
        settings["Sessions:Providers:down:JwksUrl"] = Down.JwksUrl;

        settings["Sessions:Providers:flaky:Issuer"] = Flaky.Issuer;
        settings["Sessions:Providers:flaky:Audience"] = Flaky.Audience;
        settings["Sessions:Providers:flaky:JwksUrl"] = Flaky.JwksUrl;

        settings["Sessions:Providers:budget:UserInfoUrl"] = BudgetUserInfo.UserInfoUrl;
        settings["Sessions:Providers:budget:MaxCallsPerSecond"] = "1";
    }

    /// <summary>A new organization trusting <paramref name="provider"/>, and a member with a fresh email: (organization_id, email).</summary>
    public async Task<(string OrganizationId, string Email)> OrganizationWithMemberAsync(string provider, bool pending = false)
    {
        var organizationId = (await PostAsync("/v1/b2b/organizations", new Dictionary<string, object>
        {
            ["organization_name"] = "Org on " + provider,
            ["organization_slug"] = "org-" + Guid.NewGuid().ToString("N")[..12],
            ["trusted_metadata"] = new Dictionary<string, object> { ["legacy_provider"] = provider },
        })).AssertOk().Json.GetProperty("organization").GetProperty("organization_id").GetString()!;
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        await NewMemberAsync(organizationId, email, pending);
        return (organizationId, email);
    }

    public Task<ApiCall> AttestAsync(string profileId, string token, string organizationId, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["profile_id"] = profileId, ["token"] = token, ["organization_id"] = organizationId };
        if (extra is not null)
            foreach (var p in extra.GetType().GetProperties()) body[p.Name] = p.GetValue(extra);
        return PostAsync("/v1/b2b/sessions/attest", body.Where(p => p.Value is not null).ToDictionary());
    }

    /// <summary>An ES256 token of the <c>pem</c> provider, signed with its PEM key.</summary>
    public string PemToken(string email)
    {
        var claims = Signed.Claims(email, Now);
        claims["iss"] = "https://pem.example/";
        claims["aud"] = "pem-audience";
        return Signed.SignRaw($$"""{"alg":"ES256","typ":"JWT"}""", claims.ToJsonString(), input => PemKey.SignData(input, HashAlgorithmName.SHA256));
    }
}
