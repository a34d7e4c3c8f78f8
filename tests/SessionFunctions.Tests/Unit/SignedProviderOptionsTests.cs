using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Tests.Unit;

/// <summary>A provider that vouches by signature: its settings bind as operators write them and are validated at start-up, each error naming its setting.</summary>
public sealed class SignedProviderOptionsTests
{
    private const string P = "Sessions__Providers__auth0__";

    private static SessionsOptions Bind(params (string Key, string Value)[] settings) =>
        LegacyProviderOptionsTests.Bind([("Sessions__UserInfoUrl", "https://legacy.example.com/userinfo"), .. settings]);

    private static IReadOnlyList<string> Failures(SessionsOptions o) => LegacyProviderOptionsTests.Failures(o);

    private static (string, string)[] Signed(params (string Key, string Value)[] changes)
    {
        var settings = new Dictionary<string, string>
        {
            [P + "Issuer"] = "https://acme.us.auth0.com/",
            [P + "Audience"] = "https://api.acme.example, client-id-123",
            [P + "JwksUrl"] = "https://acme.us.auth0.com/.well-known/jwks.json",
        };
        foreach (var (key, value) in changes)
            if (value == "(remove)") settings.Remove(key); else settings[key] = value;
        return [.. settings.Select(s => (s.Key, s.Value))];
    }

    [Fact]
    public void A_provider_may_vouch_by_signature_alone_with_its_defaults()
    {
        var o = Bind(Signed());
        Assert.Empty(Failures(o));
        var provider = new LegacyProviders(Options.Create(o)).For(new Core.Model.Organization
        {
            OrganizationId = "organization-test-x", OrganizationName = "x", OrganizationSlug = "x",
            TrustedMetadata = new System.Text.Json.Nodes.JsonObject { ["legacy_provider"] = "auth0" },
            CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
        });
        Assert.Null(provider.UserInfoUrl);
        Assert.Equal("auth0", provider.ProfileId);
        Assert.Equal(["https://api.acme.example", "client-id-123"], provider.Signature!.Audiences);
        Assert.Equal(["RS256"], provider.Signature.Algorithms);
        Assert.Equal(TimeSpan.FromHours(1), provider.Signature.MaxTokenAge);
        Assert.Null(provider.MaxCallsPerSecond);
    }

    [Theory]
    [InlineData(P + "Issuer", "(remove)", P + "Issuer")]
    [InlineData(P + "Audience", "(remove)", P + "Audience")]
    [InlineData(P + "Audience", " , ", P + "Audience")]
    [InlineData(P + "JwksUrl", "(remove)", P + "JwksUrl")]
    [InlineData(P + "MetadataUrl", "https://acme.us.auth0.com/.well-known/openid-configuration", P + "MetadataUrl")] // two key sources
    [InlineData(P + "JwksUrl", "http://acme.us.auth0.com/jwks.json", P + "JwksUrl")]
    [InlineData(P + "JwksUrl", "https://u:p@acme.us.auth0.com/jwks.json", P + "JwksUrl")]
    [InlineData(P + "Algorithms", "none", P + "Algorithms")]
    [InlineData(P + "Algorithms", "RS256,HS256", P + "Algorithms")]
    [InlineData(P + "Algorithms", "", P + "Algorithms")]
    [InlineData(P + "MaxTokenAge", "00:00:10", P + "MaxTokenAge")]
    [InlineData(P + "MaxTokenAge", "2.00:00:00", P + "MaxTokenAge")]
    [InlineData(P + "MaxCallsPerSecond", "0", P + "MaxCallsPerSecond")]
    [InlineData(P + "SigningKeyPath", "/nonexistent/key.pem", P + "SigningKeyPath")]
    public void A_wrong_signature_setting_stops_start_up_naming_it(string key, string value, string named)
    {
        var failures = Failures(Bind(Signed((key, value))));
        Assert.Contains(failures, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void A_provider_with_neither_UserInfo_nor_signature_is_refused_and_two_providers_may_not_share_a_profile_id()
    {
        Assert.Contains(Failures(Bind(("Sessions__Providers__x__EmailClaim", "upn"))), f => f.Contains("Sessions__Providers__x__UserInfoUrl is required", StringComparison.Ordinal));
        var clash = Failures(Bind([.. Signed(), ("Sessions__Providers__okta__UserInfoUrl", "https://okta.example.com/userinfo"), ("Sessions__Providers__okta__ProfileId", "auth0")]));
        Assert.Contains(clash, f => f.Contains("ProfileId", StringComparison.Ordinal) && f.Contains("auth0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_PEM_public_key_file_is_read_at_start_up()
    {
        var path = Path.GetTempFileName();
        try
        {
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            File.WriteAllText(path, ec.ExportSubjectPublicKeyInfoPem());
            Assert.Empty(Failures(Bind(Signed((P + "JwksUrl", "(remove)"), (P + "SigningKeyPath", path), (P + "Algorithms", "ES256")))));
            File.WriteAllText(path, "not a key");
            Assert.Contains(Failures(Bind(Signed((P + "JwksUrl", "(remove)"), (P + "SigningKeyPath", path)))), f => f.Contains(P + "SigningKeyPath", StringComparison.Ordinal));
        }
        finally { File.Delete(path); }
    }
}
