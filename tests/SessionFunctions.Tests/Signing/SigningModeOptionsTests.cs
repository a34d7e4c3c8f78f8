using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Tests.Signing;

/// <summary>Signing__Mode and the settings each mode needs, checked at start-up with messages that name the settings.</summary>
public sealed class SigningModeOptionsTests
{
    private const string VaultKey = "https://myvault.vault.azure.net/keys/session-wrapping";

    private static IEnumerable<string> Failures(SigningOptions o) =>
        new SigningOptionsValidator().Validate(null, o) is { Failed: true } result ? result.Failures : [];

    private static SigningOptions Wrapped(Action<SigningOptions>? change = null)
    {
        var o = new SigningOptions { Mode = "Wrapped", WrappingKeyId = new Uri(VaultKey) };
        change?.Invoke(o);
        return o;
    }

    [Fact]
    public void Without_a_mode_the_settings_from_before_keep_their_meaning()
    {
        Assert.Equal(SigningMode.Local, new SigningOptions().EffectiveMode);
        Assert.Equal(SigningMode.KeyVault, new SigningOptions { KeyVaultKeyId = new Uri(VaultKey) }.EffectiveMode);
        Assert.Equal(SigningMode.Wrapped, new SigningOptions { Mode = "wrapped" }.EffectiveMode);
        Assert.Empty(Failures(new SigningOptions()));
        Assert.Empty(Failures(new SigningOptions { KeyVaultKeyId = new Uri(VaultKey) }));
    }

    [Fact]
    public void Valid_wrapped_settings_pass_with_a_vault_key_or_a_local_pem_and_rotation_in_seconds()
    {
        Assert.Empty(Failures(Wrapped()));
        Assert.Empty(Failures(Wrapped(o => { o.WrappingKeyId = null; o.WrappingKeyPath = ".local/wrapping-key.pem"; })));
        Assert.Empty(Failures(Wrapped(o => { o.RotationInterval = TimeSpan.FromSeconds(30); o.RotationLead = TimeSpan.FromSeconds(10); o.KeyRefreshInterval = TimeSpan.FromSeconds(1); })));
    }

    [Theory]
    [InlineData("Signing__Mode", "Vault")]
    [InlineData("Signing__Mode", "2")]
    public void An_unknown_mode_is_named(string setting, string mode) =>
        Assert.Contains(Failures(new SigningOptions { Mode = mode }), f => f.Contains(setting) && f.Contains("KeyVault, Wrapped or Local"));

    [Fact]
    public void Each_mode_names_what_it_lacks_or_what_belongs_to_another_mode()
    {
        Assert.Contains(Failures(new SigningOptions { Mode = "KeyVault" }), f => f.Contains("Signing__KeyVaultKeyId is required"));
        Assert.Contains(Failures(new SigningOptions { Mode = "Local", KeyVaultKeyId = new Uri(VaultKey) }), f => f.Contains("Signing__KeyVaultKeyId is set"));
        Assert.Contains(Failures(new SigningOptions { Mode = "Wrapped" }), f => f.Contains("Signing__WrappingKeyId") && f.Contains("Signing__WrappingKeyPath"));
        Assert.Contains(Failures(Wrapped(o => o.WrappingKeyPath = "x.pem")), f => f.Contains("exactly one of Signing__WrappingKeyId"));
        Assert.Contains(Failures(Wrapped(o => o.KeyVaultKeyId = new Uri(VaultKey))), f => f.Contains("Signing__KeyVaultKeyId is set"));
        Assert.Contains(Failures(new SigningOptions { WrappingKeyPath = "x.pem" }), f => f.Contains("set Signing__Mode to Wrapped"));
        Assert.Contains(Failures(new SigningOptions { Mode = "KeyVault", KeyVaultKeyId = new Uri(VaultKey), WrappingKeyPath = "x.pem" }), f => f.Contains("apply only to Wrapped"));
        Assert.Contains(Failures(Wrapped(o => o.WrappingKeyId = new Uri("https://myvault.vault.azure.net/secrets/x"))), f => f.Contains("Signing__WrappingKeyId must look like"));
    }

    [Fact]
    public void Rotation_settings_that_would_sign_with_an_unpublished_key_are_named()
    {
        Assert.Contains(Failures(Wrapped(o => o.RotationInterval = TimeSpan.FromMilliseconds(500))), f => f.Contains("Signing__RotationInterval"));
        Assert.Contains(Failures(Wrapped(o => o.RotationLead = TimeSpan.FromMinutes(30))), f => f.Contains("Signing__RotationLead must be at least Signing__KeyRefreshInterval"));
        Assert.Contains(Failures(Wrapped(o => o.RotationLead = o.RotationInterval)), f => f.Contains("Signing__RotationLead must be shorter"));
        Assert.Contains(Failures(Wrapped(o => o.RotationOverlapDays = 0)), f => f.Contains("Signing__RotationOverlapDays must be at least 1"));
    }
}
