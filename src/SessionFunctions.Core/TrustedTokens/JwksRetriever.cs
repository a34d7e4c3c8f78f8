using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace SessionFunctions.Core.TrustedTokens;

/// <summary>
/// A configuration retriever for a provider that publishes a JWKS without a discovery document (<c>JwksUrl</c>): the
/// JWKS becomes the configuration's signing keys, parsed by IdentityModel's <see cref="JsonWebKeySet"/> exactly as
/// <see cref="OpenIdConnectConfigurationRetriever"/> parses the JWKS a discovery document names.
/// </summary>
internal sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var keySet = new JsonWebKeySet(await retriever.GetDocumentAsync(address, cancel));
        var configuration = new OpenIdConnectConfiguration { JwksUri = address, JsonWebKeySet = keySet };
        foreach (var key in keySet.GetSigningKeys()) configuration.SigningKeys.Add(key);
        return configuration;
    }
}
