using System.Security.Cryptography;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Where session JWTs are signed: the local PEM key, a Key Vault key, or keys the service made and stores wrapped by a Key Vault key. Implementations sign a SHA-256 digest
/// with the named key version and list the public halves of the versions that verifiers should trust.
/// </summary>
public interface ISigningKeyStore
{
    /// <summary>Which kind of signer this is, for telemetry: <c>local</c>, <c>keyvault</c> or <c>wrapped</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// The keys to trust: first the published ones (the JWKS), newest first, the first of them signing new tokens; then
    /// the retired ones (<see cref="PublicSigningKey.Published"/> false), which left the JWKS but still verify the JWTs
    /// of sessions they signed for as long as such a session can live (<see cref="SigningKeyRetention"/>).
    /// </summary>
    Task<IReadOnlyList<PublicSigningKey>> GetPublicKeysAsync(CancellationToken ct);

    /// <summary>RS256 (RSASSA-PKCS1-v1_5 with SHA-256) over a 32-byte digest, with the key named by <paramref name="keyId"/>.</summary>
    Task<byte[]> SignDigestAsync(string keyId, byte[] digest, CancellationToken ct);
}

/// <summary>
/// A public signing key: its JWT <c>kid</c>, RSA modulus and exponent, an X.509 certificate for <c>x5c</c> (empty for a
/// retired key), and whether the JWKS publishes it (a retired key only verifies, see <see cref="SigningKeyRetention"/>).
/// </summary>
public sealed record PublicSigningKey(string KeyId, RSAParameters Parameters, byte[] Certificate, bool Published = true);
