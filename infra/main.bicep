// SessionFunctions on Azure Functions Flex Consumption.
//
// Deploys, into one resource group: a user-assigned managed identity (the app's only credential), a keyless storage
// account (Functions host + Flex deployment package + the app's tables), Log Analytics + Application Insights with
// Entra-only ingestion, a Key Vault holding the RS256 session-signing key and the project secret, the FC1 plan and the
// function app, and least-privilege role assignments for the identity. See infra/README.md for the why of each piece.
//
// Build and lint: bash eng/bicep/check.sh

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------------------

@description('Azure region for every resource. Flex Consumption is not offered in every region: `az functionapp list-flexconsumption-locations`.')
param location string = resourceGroup().location

@description('Short name used in resource names: lowercase letters and digits, optionally hyphens, starting with a letter.')
@minLength(2)
@maxLength(12)
param environmentName string = 'sessfn'

@description('Tags applied to every resource.')
param tags { *: string } = {}

@description('Project id clients send as the Basic auth user name (project_id:secret).')
@minLength(1)
param projectId string

@description('Project secret clients send as the Basic auth password. Stored only in Key Vault; the app reads it through a Key Vault reference.')
@secure()
@minLength(1)
param projectSecret string

@description('OIDC UserInfo endpoint of the legacy identity provider that migrate calls with the legacy access token.')
@minLength(1)
param userInfoUrl string

@description('Prefix for the table names (letters and digits, starting with a letter), e.g. \'prod\' gives prodOrganizations. Empty for none.')
@maxLength(40)
param tablePrefix string = ''

@description('Six-field NCRONTAB schedule of the expired-session sweep (app setting Sweep__Schedule).')
param sweepSchedule string = '0 */5 * * * *'

@description('Upper bound on Flex Consumption instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Days a rotated-out signing key version stays in the published JWKS, so JWTs it signed still verify.')
@minValue(1)
@maxValue(365)
param keyRotationOverlapDays int = 30

@description('How long authenticate may hand back a JWT it already minted for an unchanged session instead of asking Key Vault to sign again (Signing__JwtReuseWindow, 00:00:00 to 00:04:00). Key Vault signs about 400 RS256 per second per vault; 00:00:00 signs on every call.')
param jwtReuseWindow string = '00:01:00'

@description('Optional Entra object id of a person or pipeline that rotates the signing key (`az keyvault key rotate`). Gets Key Vault Crypto Officer on the key only. Empty for none.')
param keyAdminPrincipalId string = ''

@description('Principal type of keyAdminPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param keyAdminPrincipalType string = 'User'

// ---------------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------------

var resourceToken = toLower(uniqueString(resourceGroup().id, environmentName))
var compactName = toLower(replace(environmentName, '-', ''))

var identityName = 'id-${environmentName}-${resourceToken}'
var storageAccountName = 'st${take(compactName, 9)}${resourceToken}' // 3-24 lowercase letters and digits
var logAnalyticsName = 'log-${environmentName}-${resourceToken}'
var appInsightsName = 'appi-${environmentName}-${resourceToken}'
var keyVaultName = 'kv${take(compactName, 9)}${resourceToken}' // 3-24 characters, globally unique
var planName = 'plan-${environmentName}-${resourceToken}'
var functionAppName = 'func-${environmentName}-${resourceToken}'

var deploymentContainerName = 'app-package'
var signingKeyName = 'session-signing'
var projectSecretName = 'sessions-project-secret'
var tableNames = [
  '${tablePrefix}Organizations'
  '${tablePrefix}Members'
  '${tablePrefix}SessionExpiry'
]

// Built-in role definitions (the GUIDs are the same in every tenant).
var roles = {
  storageTableDataContributor: subscriptionResourceId(
    'Microsoft.Authorization/roleDefinitions',
    '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  )
  storageBlobDataOwner: subscriptionResourceId(
    'Microsoft.Authorization/roleDefinitions',
    'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  )
  storageQueueDataContributor: subscriptionResourceId(
    'Microsoft.Authorization/roleDefinitions',
    '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  )
  keyVaultCryptoUser: subscriptionResourceId(
    'Microsoft.Authorization/roleDefinitions',
    '12338af0-0e69-4776-bea7-57ae8d297424'
  )
  keyVaultCryptoOfficer: subscriptionResourceId(
    'Microsoft.Authorization/roleDefinitions',
    '14b46e9e-c2b7-41b4-b07b-48a6ebf60603'
  )
  keyVaultSecretsUser: subscriptionResourceId(
    'Microsoft.Authorization/roleDefinitions',
    '4633458b-17de-408a-b874-0445c86b69e6'
  )
  monitoringMetricsPublisher: subscriptionResourceId(
    'Microsoft.Authorization/roleDefinitions',
    '3913510d-42f4-4e42-8a64-420c390055eb'
  )
}

// ---------------------------------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------------------------------

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------------------------------------------------
// Storage: Functions host (blobs, queues), Flex deployment package container, and the app's tables. No shared keys.
// ---------------------------------------------------------------------------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-06-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

// ---------------------------------------------------------------------------------------------------------------------
// Monitoring: workspace-based Application Insights that accepts only Entra-authenticated telemetry.
// ---------------------------------------------------------------------------------------------------------------------

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Key Vault: the session-signing key (never leaves the vault) and the project secret. RBAC only.
// ---------------------------------------------------------------------------------------------------------------------

resource keyVault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// ARM creates the key's first version only; redeploying never creates or changes versions, so rotation done with
// `az keyvault key rotate` survives later deployments.
resource signingKey 'Microsoft.KeyVault/vaults/keys@2025-05-01' = {
  parent: keyVault
  name: signingKeyName
  tags: tags
  properties: {
    kty: 'RSA'
    keySize: 2048
    keyOps: [
      'sign'
      'verify'
    ]
    attributes: {
      enabled: true
      exportable: false
    }
  }
}

resource projectSecretSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: keyVault
  name: projectSecretName
  tags: tags
  properties: {
    value: projectSecret
    contentType: 'text/plain'
    attributes: {
      enabled: true
    }
  }
}

// Audit trail of every data-plane call (sign, get key, get secret) into the Log Analytics workspace.
resource keyVaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: keyVault
  properties: {
    workspaceId: logAnalytics.id
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Role assignments for the app's identity: least privilege, deterministic names.
// ---------------------------------------------------------------------------------------------------------------------

// The app's tables (Organizations, Members, SessionExpiry). The host itself needs no tables.
resource storageTableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: roles.storageTableDataContributor
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Host blobs (timer schedule monitor, singleton leases, keys) and the Flex deployment package container.
resource storageBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: roles.storageBlobDataOwner
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Host queues (used by the host for some internal work and by retries/poison handling).
resource storageQueueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: roles.storageQueueDataContributor
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Sign with, and read the public part of, the signing key: this key only, not the vault.
resource keyVaultCryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(signingKey.id, identity.id, roles.keyVaultCryptoUser)
  scope: signingKey
  properties: {
    roleDefinitionId: roles.keyVaultCryptoUser
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Resolve the Sessions__ProjectSecret Key Vault reference: this secret only, not the vault.
resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(projectSecretSecret.id, identity.id, roles.keyVaultSecretsUser)
  scope: projectSecretSecret
  properties: {
    roleDefinitionId: roles.keyVaultSecretsUser
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Send telemetry to Application Insights, which has local (instrumentation-key) auth disabled.
resource monitoringMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: roles.monitoringMetricsPublisher
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// Optional: whoever rotates the signing key. Scoped to the key, not the vault; never the app's identity.
resource keyAdminCryptoOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyAdminPrincipalId)) {
  name: guid(signingKey.id, keyAdminPrincipalId, roles.keyVaultCryptoOfficer)
  scope: signingKey
  properties: {
    roleDefinitionId: roles.keyVaultCryptoOfficer
    principalId: keyAdminPrincipalId
    principalType: keyAdminPrincipalType
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Flex Consumption plan and function app
// ---------------------------------------------------------------------------------------------------------------------

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
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
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

// App settings. On Flex the runtime comes from functionAppConfig.runtime, so FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE are deliberately absent.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Functions host storage, identity-based.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.properties.clientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table

    // Telemetry, Entra-authenticated.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'

    // Makes DefaultAzureCredential / ManagedIdentityCredential in the app pick the user-assigned identity.
    AZURE_CLIENT_ID: identity.properties.clientId

    // Application configuration (read by the C# options classes).
    Sessions__ProjectId: projectId
    Sessions__ProjectSecret: '@Microsoft.KeyVault(SecretUri=${projectSecretSecret.properties.secretUri})'
    Sessions__UserInfoUrl: userInfoUrl
    Storage__TableServiceUri: storage.properties.primaryEndpoints.table
    Storage__TablePrefix: tablePrefix
    // The tables are declared above; skipping the create-if-missing calls saves ~120 ms of cold start (bench/README.md).
    Storage__CreateTables: 'false'
    Signing__KeyVaultKeyId: signingKey.properties.keyUri
    Signing__RotationOverlapDays: string(keyRotationOverlapDays)
    Signing__JwtReuseWindow: jwtReuseWindow
    Sweep__Schedule: sweepSchedule
  }
  // The host starts as soon as its settings land; give it its data-plane access first.
  dependsOn: [
    storageTableDataContributor
    storageBlobDataOwner
    storageQueueDataContributor
    keyVaultCryptoUser
    keyVaultSecretsUser
    monitoringMetricsPublisher
    tables
  ]
}

// ---------------------------------------------------------------------------------------------------------------------
// Outputs (none of them secret)
// ---------------------------------------------------------------------------------------------------------------------

output functionAppName string = functionApp.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output keyId string = signingKey.properties.keyUri
output keyIdWithVersion string = signingKey.properties.keyUriWithVersion
output keyVaultName string = keyVault.name
output storageAccountName string = storage.name
output tableServiceUri string = storage.properties.primaryEndpoints.table
output managedIdentityClientId string = identity.properties.clientId
output resourceGroupName string = resourceGroup().name
