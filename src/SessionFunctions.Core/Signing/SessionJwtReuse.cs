using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Authenticate hands back the session's JWT. With <c>Signing__JwtReuseWindow</c> set, a JWT this instance minted for
/// the same session less than that long ago is handed back again instead of signing a new one, as long as everything it
/// carries is unchanged but <c>last_accessed_at</c> (which may then lag by up to the window). Every authenticate still
/// reads the session, so a revoked or expired session fails at once. This is what keeps Key Vault, which signs about
/// 400 RS256 per second per vault, from capping authenticate throughput. Off (zero) by default.
/// </summary>
public sealed class SessionJwtReuse(SessionJwtIssuer issuer, IMemoryCache cache, IOptions<SigningOptions> options)
{
    private sealed record Minted(string Fingerprint, string Jwt, DateTimeOffset IssuedAt);

    public async Task<string> IssueAsync(MemberSession session, DateTimeOffset now, CancellationToken ct)
    {
        var window = options.Value.JwtReuseWindow;
        if (window <= TimeSpan.Zero) return await issuer.IssueAsync(session, now, ct);

        var key = "jwt:" + session.MemberSessionId;
        var fingerprint = Fingerprint(session);
        if (cache.TryGetValue(key, out Minted? minted) && minted!.Fingerprint == fingerprint && now - minted.IssuedAt < window)
            return minted.Jwt;
        var jwt = await issuer.IssueAsync(session, now, ct);
        cache.Set(key, new Minted(fingerprint, jwt, now), window); // the cache's own expiry only frees memory
        return jwt;
    }

    /// <summary>A hash of the JWT's contents that matter: the session without its last access time.</summary>
    private static string Fingerprint(MemberSession session) =>
        Convert.ToBase64String(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(session with { LastAccessedAt = session.StartedAt }, SessionJson.Options)));
}
