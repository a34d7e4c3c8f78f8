using Azure.Core;
using Microsoft.Extensions.Options;
using Moq;
using SessionFunctions.Core.Options;
using SessionFunctions.Core.Storage;

namespace SessionFunctions.Tests.Unit;

/// <summary>
/// With Storage__TableServiceUri and no connection string, tables are reached with the shared TokenCredential
/// (the managed identity in Azure). Entra ID cannot run here, so the credential is the one mocked seam.
/// </summary>
public sealed class ManagedIdentityStorageTests
{
    [Fact]
    public async Task A_table_service_uri_uses_the_token_credential_for_the_storage_scope()
    {
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AccessToken("token", DateTimeOffset.UtcNow.AddHours(1)));
        var tables = new SessionTables(Microsoft.Extensions.Options.Options.Create(new StorageOptions
        {
            TableServiceUri = new Uri("https://127.0.0.1:1/"), // nothing listens: the token is fetched before the send fails
        }), credential.Object, []);

        await Assert.ThrowsAnyAsync<Exception>(() => tables.CreateIfNotExistsAsync(CancellationToken.None));

        credential.Verify(c => c.GetTokenAsync(It.Is<TokenRequestContext>(r => r.Scopes.Contains("https://storage.azure.com/.default")), It.IsAny<CancellationToken>()), Times.AtLeastOnce());
    }

    [Fact]
    public async Task A_connection_string_does_not_touch_the_token_credential()
    {
        var credential = new Mock<TokenCredential>(MockBehavior.Strict);
        var tables = new SessionTables(Microsoft.Extensions.Options.Options.Create(new StorageOptions
        {
            ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;",
        }), credential.Object, []);

        await Assert.ThrowsAnyAsync<Exception>(() => tables.CreateIfNotExistsAsync(CancellationToken.None));
    }
}
