using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Tests.Unit;

/// <summary>Sessions__Providers__{name}__…: bound from configuration as operators write it, and validated at start-up.</summary>
public sealed class LegacyProviderOptionsTests
{
    internal static SessionsOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Sessions:ProjectId"] = "project-test-6f9619ff-8b86-d011-b42d-00c04fc964ff",
                ["Sessions:ProjectSecret"] = "secret-test-0123456789abcdef",
            }.Concat(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))).Build();
        var options = new SessionsOptions();
        configuration.GetSection("Sessions").Bind(options);
        return options;
    }

    internal static IReadOnlyList<string> Failures(SessionsOptions o)
    {
        var result = new SessionsOptionsValidator().Validate(Options.DefaultName, o);
        return result.Failed ? [.. result.Failures!] : [];
    }

    [Fact]
    public void Providers_bind_from_environment_style_settings_with_their_defaults()
    {
        var o = Bind(("Sessions__UserInfoUrl", "https://legacy.example.com/userinfo"),
            ("Sessions__Providers__okta-acme__UserInfoUrl", "https://acme.okta.com/oauth2/v1/userinfo"),
            ("Sessions__Providers__entra__UserInfoUrl", "https://graph.microsoft.com/oidc/userinfo"),
            ("Sessions__Providers__entra__EmailClaim", "upn"),
            ("Sessions__Providers__entra__EmailVerified", "Trusted"),
            ("Sessions__Providers__entra__Timeout", "00:00:03"));

        Assert.Empty(Failures(o));
        var providers = new LegacyProviders(Options.Create(o));
        var org = (string? name) => new Core.Model.Organization
        {
            OrganizationId = "o", OrganizationName = "n", OrganizationSlug = "s", CreatedAt = default, UpdatedAt = default,
            TrustedMetadata = name is null ? [] : new() { ["legacy_provider"] = name },
        };
        Assert.Equal(new LegacyProvider("default", new Uri("https://legacy.example.com/userinfo"), "email", true, TimeSpan.FromSeconds(5)), providers.For(org(null)));
        Assert.Equal(new LegacyProvider("okta-acme", new Uri("https://acme.okta.com/oauth2/v1/userinfo"), "email", true, TimeSpan.FromSeconds(5)), providers.For(org("okta-acme")));
        Assert.Equal(new LegacyProvider("entra", new Uri("https://graph.microsoft.com/oidc/userinfo"), "upn", false, TimeSpan.FromSeconds(3)), providers.For(org("Entra")));
    }

    [Fact]
    public void A_default_provider_may_be_declared_as_a_profile_instead_of_Sessions__UserInfoUrl()
    {
        var o = Bind(("Sessions__Providers__default__UserInfoUrl", "https://legacy.example.com/userinfo"), ("Sessions__Providers__default__EmailVerified", "trusted"));

        Assert.Empty(Failures(o));
    }

    [Fact]
    public void Without_any_default_provider_start_up_fails()
    {
        var failure = Assert.Single(Failures(Bind(("Sessions__Providers__okta__UserInfoUrl", "https://okta.example.com/userinfo"))));
        Assert.StartsWith("Sessions__UserInfoUrl", failure);
    }

    [Fact]
    public void Two_default_providers_are_refused()
    {
        var failure = Assert.Single(Failures(Bind(("Sessions__UserInfoUrl", "https://a.example.com/userinfo"), ("Sessions__Providers__default__UserInfoUrl", "https://b.example.com/userinfo"))));
        Assert.Contains("set only one", failure);
    }

    [Theory]
    [InlineData("Sessions__Providers__okta__UserInfoUrl", "http://okta.example.com/userinfo", "Sessions__Providers__okta__UserInfoUrl")]
    [InlineData("Sessions__Providers__okta__UserInfoUrl", "/userinfo", "Sessions__Providers__okta__UserInfoUrl")]
    [InlineData("Sessions__Providers__okta__UserInfoUrl", "https://user:pass@okta.example.com/userinfo", "Sessions__Providers__okta__UserInfoUrl")]
    [InlineData("Sessions__Providers__okta__EmailVerified", "Sometimes", "Sessions__Providers__okta__EmailVerified")]
    [InlineData("Sessions__Providers__okta__EmailVerified", "", "Sessions__Providers__okta__EmailVerified")]
    [InlineData("Sessions__Providers__okta__EmailClaim", "", "Sessions__Providers__okta__EmailClaim")]
    [InlineData("Sessions__Providers__okta__Timeout", "00:05:00", "Sessions__Providers__okta__Timeout")]
    [InlineData("Sessions__Providers__okta__Timeout", "00:00:00", "Sessions__Providers__okta__Timeout")]
    [InlineData("Sessions__Providers__ok ta__UserInfoUrl", "https://okta.example.com/userinfo", "Sessions__Providers__<name>")]
    [InlineData("Sessions__UserInfoUrl", "http://legacy.example.com/userinfo", "Sessions__UserInfoUrl")]
    public void A_bad_provider_setting_is_named(string key, string value, string named)
    {
        var settings = new List<(string, string)> { ("Sessions__Providers__okta__UserInfoUrl", "https://okta.example.com/userinfo") };
        if (key != "Sessions__UserInfoUrl") settings.Add(("Sessions__UserInfoUrl", "https://legacy.example.com/userinfo"));
        settings.RemoveAll(s => s.Item1 == key);
        settings.Add((key, value));

        Assert.Contains(Failures(Bind([.. settings])), f => f.StartsWith(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:7070/userinfo")]
    [InlineData("http://localhost:7070/userinfo")]
    [InlineData("http://[::1]:7070/userinfo")]
    [InlineData("https://legacy.example.com/oauth/userinfo?tenant=a")]
    public void Https_or_loopback_http_is_accepted(string url) =>
        Assert.Empty(Failures(Bind(("Sessions__UserInfoUrl", url))));

    [Fact]
    public void The_organization_change_poll_may_not_hide_an_update_for_more_than_a_minute()
    {
        var o = Bind(("Sessions__UserInfoUrl", "https://legacy.example.com/userinfo"), ("Sessions__OrganizationChangePoll", "00:02:00"),
            ("Sessions__OrganizationCacheDuration", "2.00:00:00"), ("Sessions__OrganizationCacheSize", "10"));

        Assert.Contains(Failures(o), f => f.StartsWith("Sessions__OrganizationChangePoll", StringComparison.Ordinal));
        Assert.Contains(Failures(o), f => f.StartsWith("Sessions__OrganizationCacheDuration", StringComparison.Ordinal));
        Assert.Contains(Failures(o), f => f.StartsWith("Sessions__OrganizationCacheSize", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromSeconds(5), new SessionsOptions().OrganizationChangePoll);
        Assert.Equal(TimeSpan.FromHours(1), new SessionsOptions().OrganizationCacheDuration);
    }
    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-5")]
    public void The_cap_on_a_members_sessions_is_between_1_and_1000(string value)
    {
        var o = Bind(("Sessions__UserInfoUrl", "https://legacy.example.com/userinfo"), ("Sessions__MaxSessionsPerMember", value));

        Assert.Contains(Failures(o), f => f.StartsWith("Sessions__MaxSessionsPerMember", StringComparison.Ordinal));
        Assert.Equal(100, new SessionsOptions().MaxSessionsPerMember);
        Assert.Empty(Failures(Bind(("Sessions__UserInfoUrl", "https://legacy.example.com/userinfo"), ("Sessions__MaxSessionsPerMember", "1000"))));
    }
}
