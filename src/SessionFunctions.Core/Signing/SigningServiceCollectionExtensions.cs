using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Options;

namespace SessionFunctions.Core.Signing;

internal static class SigningServiceCollectionExtensions
{
    /// <summary>
    /// The key store that signs session JWTs, by <c>Signing__Mode</c> (unset: KeyVault when <c>Signing__KeyVaultKeyId</c> is
    /// set, otherwise Local). Key Vault is called with the one <see cref="TokenCredential"/> in DI (see AddSessionCore),
    /// which tests replace with a fake. Wrapped mode wraps with the Key Vault key <c>Signing__WrappingKeyId</c>, or with
    /// the local PEM <c>Signing__WrappingKeyPath</c> standing in for it.
    /// </summary>
    public static IServiceCollection AddSessionSigning(this IServiceCollection services)
    {
        services.TryAddSingleton<IKeyWrapper>(sp => Options(sp).WrappingKeyPath is { Length: > 0 } path
            ? new LocalPemKeyWrapper(path)
            : ActivatorUtilities.CreateInstance<KeyVaultKeyWrapper>(sp, KeyVaultKeyId.Parse(Options(sp).WrappingKeyId!), sp.GetRequiredService<TokenCredential>()));
        services.TryAddSingleton<ISigningKeyStore>(sp => Options(sp).EffectiveMode switch
        {
            SigningMode.KeyVault => ActivatorUtilities.CreateInstance<KeyVaultKeyStore>(sp, KeyVaultKeyId.Parse(Options(sp).KeyVaultKeyId!), sp.GetRequiredService<TokenCredential>()),
            SigningMode.Wrapped => ActivatorUtilities.CreateInstance<WrappedKeyStore>(sp, sp.GetRequiredService<IKeyWrapper>()),
            _ => ActivatorUtilities.CreateInstance<LocalPemKeyStore>(sp),
        });
        return services;
    }

    private static SigningOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<SigningOptions>>().Value;
}
