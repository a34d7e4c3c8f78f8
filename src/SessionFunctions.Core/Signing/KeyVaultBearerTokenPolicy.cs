using Azure.Core;
using Azure.Core.Pipeline;

namespace SessionFunctions.Core.Signing;

/// <summary>
/// Azure.Core's <see cref="BearerTokenAuthenticationPolicy"/> (token cache, refresh before expiry, CAE claims challenges)
/// for Key Vault's scope. Key Vault's own SDK first sends an unauthenticated request to discover the tenant and scope
/// from the 401 challenge; we skip that, which is fine while the identity lives in the vault's tenant (a managed
/// identity always does), and costs no extra round trip.
/// The base policy refuses plain http outright. This one also lets plain http through to a loopback address, so a fake
/// vault or an emulator on 127.0.0.1 can stand in for Key Vault in tests; a token sent there never leaves the machine.
/// Every other non-TLS address is still refused by the base policy.
/// </summary>
internal sealed class KeyVaultBearerTokenPolicy(TokenCredential credential) : BearerTokenAuthenticationPolicy(credential, Scope)
{
    /// <summary>The Azure public cloud's Key Vault scope (sovereign clouds use their own vault domain).</summary>
    public const string Scope = "https://vault.azure.net/.default";

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (!IsLoopbackHttp(message))
        {
            await base.ProcessAsync(message, pipeline);
            return;
        }
        await AuthorizeRequestAsync(message);
        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (!IsLoopbackHttp(message))
        {
            base.Process(message, pipeline);
            return;
        }
        AuthorizeRequest(message);
        ProcessNext(message, pipeline);
    }

    private static bool IsLoopbackHttp(HttpMessage message) =>
        message.Request.Uri.Scheme == Uri.UriSchemeHttp && message.Request.Uri.ToUri().IsLoopback;
}
