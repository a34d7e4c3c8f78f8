namespace SessionFunctions.Core.Options;

/// <summary>Settings under <c>Signing</c>: which key signs session JWTs.</summary>
public sealed class SigningOptions
{
    public const string Section = "Signing";

    /// <summary>A PEM RSA private key used when no Key Vault key is set. Created (2048-bit) on first run when missing.</summary>
    public string LocalKeyPath { get; set; } = ".local/signing-key.pem";

    /// <summary>A Key Vault key id (<c>https://{vault}.vault.azure.net/keys/{name}[/{version}]</c>). When set, Key Vault signs.</summary>
    public Uri? KeyVaultKeyId { get; set; }

    /// <summary>How long a rotated-out key version stays in the JWKS. Default 30 days.</summary>
    public int RotationOverlapDays { get; set; } = 30;

    /// <summary>
    /// How long authenticate may hand back a JWT it already minted for an unchanged session instead of signing again.
    /// Zero (the default) signs on every call; a minute spares Key Vault's per-vault signing limit (see SessionJwtReuse).
    /// </summary>
    public TimeSpan JwtReuseWindow { get; set; } = TimeSpan.Zero;

    /// <summary>How often the public keys are re-read from the key store. Default 1 hour.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(1);
}
