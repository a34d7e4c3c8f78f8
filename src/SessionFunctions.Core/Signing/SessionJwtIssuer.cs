using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Diagnostics;
using SessionFunctions.Core.Json;
using SessionFunctions.Core.Model;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Mints the 5-minute RS256 session JWT in Stytch's format: header <c>{alg, kid, typ: JWT}</c>; claims <c>sub</c>,
/// <c>iss</c>, <c>aud</c> (an array), <c>iat</c> = <c>nbf</c>, <c>exp</c> = iat + 300, the
/// <c>https://stytch.com/session</c> and <c>https://stytch.com/organization</c> claims, and custom claims at the top level.
/// </summary>
public sealed class SessionJwtIssuer(SigningKeyRing ring, ISigningKeyStore store, IOptions<SessionsOptions> options)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public const string SessionClaim = "https://stytch.com/session";
    public const string OrganizationClaim = "https://stytch.com/organization";

    public async Task<string> IssueAsync(MemberSession session, DateTimeOffset now, CancellationToken ct)
    {
        var key = (await ring.GetAsync(ct)).Current;
        var buffer = new ArrayBufferWriter<byte>(2048);
        AppendSegment(buffer, w => WriteHeader(w, key.KeyId));
        buffer.Write("."u8);
        AppendSegment(buffer, w => WritePayload(w, session, now));
        var digest = SHA256.HashData(buffer.WrittenSpan);
        var signature = await SigningTelemetry.SignAsync(store, key.KeyId, digest, ct);
        RequestCosts.AddSignature();

        var signingInput = buffer.WrittenSpan;
        var jwt = new char[signingInput.Length + 1 + Base64Url.GetEncodedLength(signature.Length)];
        for (var i = 0; i < signingInput.Length; i++) jwt[i] = (char)signingInput[i];
        jwt[signingInput.Length] = '.';
        Base64Url.EncodeToChars(signature, jwt.AsSpan(signingInput.Length + 1));
        return new string(jwt);
    }

    private static void AppendSegment(ArrayBufferWriter<byte> output, Action<Utf8JsonWriter> write)
    {
        var json = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(json)) write(writer);
        var span = output.GetSpan(Base64Url.GetEncodedLength(json.WrittenCount));
        output.Advance(Base64Url.EncodeToUtf8(json.WrittenSpan, span));
    }

    private static void WriteHeader(Utf8JsonWriter w, string kid)
    {
        w.WriteStartObject();
        w.WriteString("alg", "RS256");
        w.WriteString("kid", kid);
        w.WriteString("typ", "JWT");
        w.WriteEndObject();
    }

    private void WritePayload(Utf8JsonWriter w, MemberSession s, DateTimeOffset now)
    {
        var iat = now.ToUnixTimeSeconds();
        w.WriteStartObject();
        foreach (var (name, value) in s.CustomClaims) // reserved names never get here (CustomClaims.Merge drops them)
        {
            w.WritePropertyName(name);
            if (value is null) w.WriteNullValue(); else value.WriteTo(w, SessionJson.Options);
        }
        w.WriteStartArray("aud");
        w.WriteStringValue(options.Value.ProjectId);
        w.WriteEndArray();
        w.WriteNumber("exp", iat + (long)Lifetime.TotalSeconds);
        w.WriteStartObject(OrganizationClaim);
        w.WriteString("organization_id", s.OrganizationId);
        w.WriteString("slug", s.OrganizationSlug);
        w.WriteEndObject();
        w.WriteStartObject(SessionClaim);
        w.WriteString("id", s.MemberSessionId);
        w.WriteString("started_at", Rfc3339Converter.ToString(s.StartedAt));
        w.WriteString("last_accessed_at", Rfc3339Converter.ToString(s.LastAccessedAt));
        w.WriteString("expires_at", Rfc3339Converter.ToString(s.ExpiresAt));
        w.WriteStartObject("attributes");
        w.WriteString("ip_address", "");
        w.WriteString("user_agent", "");
        w.WriteEndObject();
        w.WritePropertyName("authentication_factors");
        JsonSerializer.Serialize(w, s.AuthenticationFactors, SessionJson.Options);
        w.WritePropertyName("roles");
        JsonSerializer.Serialize(w, s.Roles, SessionJson.Options);
        w.WriteEndObject();
        w.WriteNumber("iat", iat);
        w.WriteString("iss", options.Value.EffectiveIssuer);
        w.WriteNumber("nbf", iat);
        w.WriteString("sub", s.MemberId);
        w.WriteEndObject();
    }
}
