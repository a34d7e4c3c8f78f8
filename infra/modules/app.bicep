// The Flex Consumption plan and function app, running as the user-assigned identity, and its app settings.

@description('Azure region.')
param location string

@description('Tags applied to every resource (the app also gets azd\'s service tag).')
param tags { *: string }

@description('Plan name.')
param planName string

@description('Function app name.')
param name string

@description('Resource id of the app\'s user-assigned identity.')
param identityId string

@description('Client id of the app\'s user-assigned identity.')
param identityClientId string

@description('URL of the blob container the app loads its package from.')
param deploymentContainerUrl string

@description('Upper bound on Flex Consumption instances.')
param maximumInstanceCount int

@description('Memory per instance, in MB.')
param instanceMemoryMB int

@description('Storage endpoints for the Functions host and the app\'s tables.')
param storageEndpoints { blob: string, queue: string, table: string }

@description('Subnet (delegated to Microsoft.App/environments) the app joins: its outbound traffic to storage and Key Vault goes through the network\'s private endpoints.')
param subnetId string

@description('Application Insights connection string (not a secret: ingestion needs the identity, local auth is off).')
param appInsightsConnectionString string

@description('App settings of the application itself (Sessions__*, Storage__*, Signing__*, Sweep__*).')
param applicationSettings { *: string }

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  // azd finds the app to deploy `api` (azure.yaml) to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: subnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// No basic (user name and password) publishing: deployments authenticate with Entra ID, as azd does.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

// On Flex the runtime comes from functionAppConfig.runtime, so FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE are deliberately absent.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: union(
    {
      // Functions host storage, identity-based.
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      AzureWebJobsStorage__blobServiceUri: storageEndpoints.blob
      AzureWebJobsStorage__queueServiceUri: storageEndpoints.queue
      AzureWebJobsStorage__tableServiceUri: storageEndpoints.table

      // Telemetry, Entra-authenticated: the host in OpenTelemetry mode (set here, not in host.json, because in that
      // mode the host traces every request even with nothing to export), and the worker exports when this is set.
      AzureFunctionsJobHost__telemetryMode: 'OpenTelemetry'
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

      // The host reads a whole request body into memory, several copies across host and worker, before the app sees it
      // (about 16 times a 100 MB body's size: bench/README.md §8c). Bodies past this get the host's own empty 500;
      // below it, past Api__MaxRequestBodyBytes (64 KB), the app's 413 envelope. The worker refuses to start if this is
      // below Api__MaxRequestBodyBytes.
      FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '1048576'

      // Makes DefaultAzureCredential / ManagedIdentityCredential in the app pick the user-assigned identity.
      AZURE_CLIENT_ID: identityClientId
    },
    applicationSettings
  )
}

output name string = functionApp.name
output url string = 'https://${functionApp.properties.defaultHostName}'
