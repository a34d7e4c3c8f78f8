using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace SessionFunctions.Api.Http;

/// <summary>
/// The client address the per-client limits count against (IPv6: its /64, since one customer network hands out a whole
/// /64). With no trusted proxy (<c>Api__RateLimit__TrustedProxies</c> 0, the default) it is the connection's address:
/// on the Server, the caller's own, whatever <c>X-Forwarded-For</c> it sends. The Functions host hands the worker no
/// address at all (its invocation message carries the request's URL, headers and body only), so in the Functions app
/// every request counts in one bucket, <c>client:unverified</c>, unless trusted proxies are configured. With N trusted
/// proxies in front of the host, each appending the address it saw, it is the N-th address from the right of
/// <c>X-Forwarded-For</c>: the one the outermost trusted proxy appended. A caller can only add addresses to the left of
/// it, so a forged header cannot pick its bucket. A request with fewer addresses than trusted proxies, or an unreadable
/// one there, did not come through them: all such requests share the same bucket.
/// </summary>
internal static class ClientAddress
{
    public const string Unverified = "client:unverified";

    public static string Key(HttpContext context, int trustedProxies)
    {
        IPAddress? address;
        if (trustedProxies <= 0)
        {
            if (context.Connection.RemoteIpAddress is not { } connection) return Unverified;
            address = connection;
        }
        else
        {
            var hops = context.Request.Headers["X-Forwarded-For"].SelectMany(v => (v ?? "").Split(',')).ToList();
            if (hops.Count < trustedProxies || !TryParse(hops[^trustedProxies].Trim(), out address)) return Unverified;
        }
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            address = new IPAddress(bytes);
        }
        return "client:" + address;
    }

    /// <summary>An address as proxies write it: <c>203.0.113.7</c>, <c>203.0.113.7:51234</c>, <c>2001:db8::1</c> or <c>[2001:db8::1]:51234</c>.</summary>
    private static bool TryParse(string value, out IPAddress address)
    {
        if (IPAddress.TryParse(value, out address!)) return true;
        if (IPEndPoint.TryParse(value, out var endpoint)) { address = endpoint.Address; return true; }
        address = IPAddress.None;
        return false;
    }
}
