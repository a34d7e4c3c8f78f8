using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SessionFunctions.Tests.Infrastructure;

/// <summary>A throwaway certificate authority and a server certificate it issued for 127.0.0.1, for HTTPS tests.</summary>
public sealed class LoopbackCertificates : IDisposable
{
    public X509Certificate2 Authority { get; }
    public X509Certificate2 Server { get; }

    public LoopbackCertificates()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=SessionFunctions test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        using var serverKey = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(Authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(6), RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(serverKey);
        Server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Writes the authority as PEM (for NODE_EXTRA_CA_CERTS) and returns the path.</summary>
    public string WriteAuthorityPem(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "test-ca.pem");
        File.WriteAllText(path, Authority.ExportCertificatePem());
        return path;
    }

    /// <summary>An HttpClient handler that trusts exactly the server certificate.</summary>
    public HttpClientHandler TrustingHandler() => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == Server.Thumbprint,
    };

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
    }
}
