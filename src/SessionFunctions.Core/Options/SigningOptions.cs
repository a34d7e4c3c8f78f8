namespace SessionFunctions.Core.Options;

/// <summary>Where session JWTs are signed (see <see cref="SigningOptions.Mode"/>).</summary>
public enum SigningMode
{
    /// <summary>Every JWT is signed by a Key Vault key (<c>Signing__KeyVaultKeyId</c>): the private key never leaves the vault.</summary>
    KeyVault,

    /// <summary>
    /// The service generates its signing keys, stores them in Table Storage wrapped by a Key Vault key
    /// (<c>Signing__WrappingKeyId</c>, or <c>Signing__WrappingKeyPath</c> in development) and signs in process.
    /// </summary>
    Wrapped,

    /// <summary>A PEM private key file (<c>Signing__LocalKeyPath</c>).</summary>
    Local,
}

/// <summary>Settings under <c>Signing</c>: which key signs session JWTs.</summary>
public sealed class SigningOptions
{
    public const string Section = "Signing";

    /// <summary>
    /// <c>KeyVault</c>, <c>Wrapped</c> or <c>Local</c>. Unset keeps the behaviour from before the setting existed:
    /// <c>KeyVault</c> when <see cref="KeyVaultKeyId"/> is set, otherwise <c>Local</c>. A string, so a typo is reported
    /// by the validator with the setting's name instead of failing in the configuration binder.
    /// </summary>
    public string? Mode { get; set; }

    /// <summary>The mode in force: <see cref="Mode"/> parsed, or the one implied by the other settings when it is unset.</summary>
    public SigningMode EffectiveMode => string.IsNullOrWhiteSpace(Mode)
        ? KeyVaultKeyId is null ? SigningMode.Local : SigningMode.KeyVault
        : Enum.Parse<SigningMode>(Mode, ignoreCase: true);

    /// <summary>A PEM RSA private key used in <c>Local</c> mode. Created (2048-bit) on first run when missing.</summary>
    public string LocalKeyPath { get; set; } = ".local/signing-key.pem";

    /// <summary>A Key Vault key id (<c>https://{vault}.vault.azure.net/keys/{name}[/{version}]</c>). When set, Key Vault signs.</summary>
    public Uri? KeyVaultKeyId { get; set; }

    /// <summary><c>Wrapped</c> mode: the Key Vault key (<c>https://{vault}.vault.azure.net/keys/{name}[/{version}]</c>) that wraps the signing keys.</summary>
    public Uri? WrappingKeyId { get; set; }

    /// <summary>
    /// <c>Wrapped</c> mode without Azure (development, tests, run-local): a PEM RSA private key standing in for the Key
    /// Vault wrapping key, through the same code path. Created (2048-bit) on first run when missing.
    /// </summary>
    public string? WrappingKeyPath { get; set; }

    /// <summary><c>Wrapped</c> mode: how often a new signing key takes over. Default 30 days; seconds work (tests).</summary>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// <c>Wrapped</c> mode: how long a new key is published in the JWKS before any instance signs with it, so every
    /// instance and every verifier's cached JWKS knows it first. Default 2 days; at least <see cref="KeyRefreshInterval"/>.
    /// </summary>
    public TimeSpan RotationLead { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long a rotated-out key (Key Vault version, or wrapped key) stays in the JWKS. Default 30 days.</summary>
    public int RotationOverlapDays { get; set; } = 30;

    /// <summary>
    /// How long authenticate may hand back a JWT it already minted for an unchanged session instead of signing again.
    /// Zero (the default) signs on every call; a minute spares Key Vault's per-vault signing limit (see SessionJwtReuse).
    /// </summary>
    public TimeSpan JwtReuseWindow { get; set; } = TimeSpan.Zero;

    /// <summary>How often the public keys are re-read from the key store. Default 1 hour.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(1);
}
