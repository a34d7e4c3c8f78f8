using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionFunctions.Core.Authorization;
using SessionFunctions.Core.Features;
using SessionFunctions.Core.Identity;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Signing;
using SessionFunctions.Core.Storage;
using SessionFunctions.Core.TrustedTokens;
using SessionFunctions.Core.UserInfo;

namespace SessionFunctions.Core;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything below the HTTP layer: options (validated at start-up), storage, signing, UserInfo and the use cases.</summary>
    public static IServiceCollection AddSessionCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SessionsOptions, SessionsOptionsValidator>(configuration, SessionsOptions.Section);
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(configuration, StorageOptions.Section);
        services.AddValidatedOptions<SigningOptions, SigningOptionsValidator>(configuration, SigningOptions.Section);
        services.AddValidatedOptions<SweepOptions, SweepOptionsValidator>(configuration, SweepOptions.Section);
        services.AddValidatedOptions<RbacOptions, RbacOptionsValidator>(configuration, RbacOptions.Section);

        services.TryAddSingleton(TimeProvider.System);
        // One credential, so Table Storage (Storage__TableServiceUri) and Key Vault share a token cache. In Azure it is
        // the managed identity (AZURE_CLIENT_ID picks a user-assigned one); locally, a developer's Azure CLI login.
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.AddMemoryCache();
        services.AddSingleton(sp => new IdFormat(sp.GetRequiredService<IOptions<SessionsOptions>>().Value.ProjectId));
        services.AddSingleton<SessionTables>();
        services.AddSingleton<OrganizationChangeFeed>();
        services.AddSingleton<OrganizationCache>();
        services.AddSingleton<OrganizationStore>();
        services.AddSingleton<MemberStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<ProjectPolicy>();
        services.AddSingleton<OrganizationRoles>();
        services.AddSingleton<SessionAuthorization>();

        services.AddSessionSigning();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<SessionJwtIssuer>();
        services.AddSingleton<SessionJwtReuse>();
        services.AddSingleton<SessionJwtReader>();
        services.AddSingleton<SessionLocator>();
        services.AddSingleton<LiveSessions>();

        // The typed client's own timeout is off: UserInfoClient applies each provider's timeout per call.
        // The legacy token travels in its Authorization header: never let HttpClient logging print header values,
        // and never follow a redirect (the token would go wherever the provider, or whoever answers for it, says).
        services.AddSingleton<LegacyProviders>();
        services.AddSingleton<ProviderBudgets>();
        // Providers' keys: IdentityModel's configuration manager fetches them (no redirects, a 10 s limit per fetch).
        services.AddSingleton<ProviderKeys>();
        services.AddSingleton<TrustedTokenReader>();
        services.AddHttpClient(ProviderKeys.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddHttpClient<UserInfoClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RedactLoggedHeaders(_ => true);

        services.AddSingleton<CreateMemberSession>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<IdempotentRequests>();
        services.AddUseCases();
        services.AddSingleton<SweepPlanner>(); // plans, runs nothing: not a use case

        services.AddHostedService<StartupTasks>();
        return services;
    }

    /// <summary>
    /// Registers every use case by convention: a public sealed class in <c>SessionFunctions.Core.Features</c> with a
    /// public <c>RunAsync</c> method is one singleton, so a new use case needs no registration line.
    /// </summary>
    private static void AddUseCases(this IServiceCollection services)
    {
        foreach (var type in typeof(ServiceCollectionExtensions).Assembly.GetExportedTypes())
            if (type is { IsClass: true, IsSealed: true, IsAbstract: false, Namespace: "SessionFunctions.Core.Features" } && type.GetMethod("RunAsync") is not null)
                services.TryAddSingleton(type);
    }

    private static void AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }
}
