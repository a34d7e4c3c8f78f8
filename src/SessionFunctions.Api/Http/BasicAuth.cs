using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Api.Http;

/// <summary>HTTP Basic with <c>project_id:secret</c>, as every Stytch SDK sends it. Compared in constant time.</summary>
public sealed class BasicAuth(IOptions<SessionsOptions> options)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes($"{options.Value.ProjectId}:{options.Value.ProjectSecret}");

    /// <summary>True when the request carries this project's id and secret.</summary>
    public bool Accepts(HttpRequest request) => IsValid(request.Headers.Authorization.ToString());

    private bool IsValid(string header)
    {
        const string scheme = "Basic ";
        if (header.Length <= scheme.Length || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length > 4096)
            return false;
        var decoded = new byte[header.Length];
        return Convert.TryFromBase64String(header[scheme.Length..].Trim(), decoded, out var length)
            && CryptographicOperations.FixedTimeEquals(decoded.AsSpan(0, length), _expected);
    }
}
