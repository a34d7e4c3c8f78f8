using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SessionFunctions.Core.Signing;

internal static class SigningServiceCollectionExtensions
{
    /// <summary>The key store that signs session JWTs: the local PEM key.</summary>
    public static IServiceCollection AddSessionSigning(this IServiceCollection services)
    {
        services.TryAddSingleton<ISigningKeyStore, LocalPemKeyStore>();
        return services;
    }
}
