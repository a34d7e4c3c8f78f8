using System.Collections.Concurrent;
using Azure.Core;

namespace SessionFunctions.Tests.KeyVault;

/// <summary>
/// Hands out <see cref="FakeKeyVault.AccessToken"/> (valid for an hour) and remembers the scopes asked for. Stands in for
/// DefaultAzureCredential, which has no identity to use here, and whose tokens a fake vault could not check anyway.
/// </summary>
public sealed class FakeTokenCredential : TokenCredential
{
    private readonly ConcurrentQueue<string> _scopes = new();

    /// <summary>Every scope a token was requested for.</summary>
    public IReadOnlyCollection<string> Scopes => _scopes;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes) _scopes.Enqueue(scope);
        return new AccessToken(FakeKeyVault.AccessToken, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
