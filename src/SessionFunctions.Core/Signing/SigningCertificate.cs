using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// The self-signed certificate the JWKS publishes in <c>x5c</c> for a signing key. Every field is fixed (subject,
/// validity, serial = start of the key's RFC 7638 thumbprint) and PKCS#1 v1.5 signatures are deterministic, so
/// restarts and separate instances publish byte-identical certificates for the same key.
/// </summary>
internal static class SigningCertificate
{
    private static readonly DateTimeOffset NotBefore = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static X509Certificate2 Create(RSA publicKey, X509SignatureGenerator signer)
    {
        var request = new CertificateRequest("CN=SessionFunctions session signing key", publicKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serial = Thumbprint(publicKey.ExportParameters(false)).AsSpan(0, 16).ToArray();
        return request.Create(request.SubjectName, signer, NotBefore, NotBefore.AddYears(25), serial);
    }

    /// <summary>
    /// The public half of a private key this process holds: its kid (<c>jwk-{env}-{guid}</c>, the guid taken from the
    /// RFC 7638 thumbprint, so every instance names the same key alike) and its self-signed certificate.
    /// </summary>
    public static PublicSigningKey Describe(RSA privateKey, Identity.IdFormat ids)
    {
        var parameters = privateKey.ExportParameters(includePrivateParameters: false);
        using var certificate = Create(privateKey, X509SignatureGenerator.CreateForRSA(privateKey, RSASignaturePadding.Pkcs1));
        return new PublicSigningKey(ids.NewJwkId(new Guid(Thumbprint(parameters).AsSpan(0, 16))), parameters, certificate.RawData);
    }

    /// <summary>RFC 7638 JWK thumbprint: SHA-256 of {"e","kty","n"} in lexicographic order without white space.</summary>
    public static byte[] Thumbprint(RSAParameters p) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        $"{{\"e\":\"{Base64Url.EncodeToString(p.Exponent)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.EncodeToString(p.Modulus)}\"}}"));
}
