using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// The self-signed certificate published in the JWKS <c>x5c</c> for a Key Vault key, which has none of its own. Its private
/// key stays in the vault, and <see cref="CertificateRequest"/> signs synchronously, so the certificate is built twice:
/// the first pass captures the to-be-signed bytes, the vault signs their SHA-256 asynchronously, and the second pass
/// embeds that signature. <see cref="SigningCertificate"/> fixes every field, so both passes sign the same bytes and every
/// instance publishes the same certificate. Built once per key version when the keys load, never per request.
/// </summary>
internal static class KeyVaultCertificate
{
    public static async Task<byte[]> CreateAsync(RSAParameters publicKey, Func<byte[], CancellationToken, Task<byte[]>> signDigest, CancellationToken ct)
    {
        using var rsa = RSA.Create(publicKey);

        var capture = new PresetSignature(rsa, signature: null);
        SigningCertificate.Create(rsa, capture).Dispose();
        var toBeSigned = capture.SignedData!;
        var signature = await signDigest(SHA256.HashData(toBeSigned), ct);
        if (!rsa.VerifyData(toBeSigned, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            throw new InvalidOperationException("Key Vault's signature does not verify with the public key it published for this version.");

        var embed = new PresetSignature(rsa, signature);
        using var certificate = SigningCertificate.Create(rsa, embed);
        if (!embed.SignedData.AsSpan().SequenceEqual(toBeSigned))
            throw new InvalidOperationException("The certificate's to-be-signed bytes changed between passes.");
        return certificate.RawData;
    }

    /// <summary>Describes RSA PKCS#1 v1.5 with SHA-256, records what it is asked to sign, and answers with a given signature.</summary>
    private sealed class PresetSignature(RSA publicKey, byte[]? signature) : X509SignatureGenerator
    {
        private readonly X509SignatureGenerator _rsa = CreateForRSA(publicKey, RSASignaturePadding.Pkcs1);

        public byte[]? SignedData { get; private set; }

        public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) => _rsa.GetSignatureAlgorithmIdentifier(hashAlgorithm);

        protected override PublicKey BuildPublicKey() => _rsa.PublicKey;

        public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm)
        {
            SignedData = data;
            return signature ?? new byte[publicKey.KeySize / 8];
        }
    }
}
