using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Signing;

internal static class SigningServiceCollectionExtensions
{
    /// <summary>
    /// The key store that signs session JWTs: the Key Vault key when <c>Signing__KeyVaultKeyId</c> is set, otherwise the
    /// local PEM key. Key Vault is called with the one <see cref="TokenCredential"/> in DI (see AddSessionCore), which
    /// tests replace with a fake.
    /// </summary>
    public static IServiceCollection AddSessionSigning(this IServiceCollection services)
    {
        services.TryAddSingleton<ISigningKeyStore>(sp =>
            sp.GetRequiredService<IOptions<SigningOptions>>().Value.KeyVaultKeyId is { } keyId
                ? ActivatorUtilities.CreateInstance<KeyVaultKeyStore>(sp, KeyVaultKeyId.Parse(keyId), sp.GetRequiredService<TokenCredential>())
                : ActivatorUtilities.CreateInstance<LocalPemKeyStore>(sp));
        return services;
    }
}
