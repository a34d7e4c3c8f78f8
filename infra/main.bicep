// SessionFunctions on Azure Functions Flex Consumption.
//
// Deploys, into one resource group: a user-assigned managed identity (the app's only credential), then one module each
// for storage (host + deployment package + tables), monitoring (Application Insights, the "Session migration" workbook,
// alerts), Key Vault (project secret, signing or wrapping key) and the app (Flex plan, function app, settings). Each
// module assigns the identity the least roles it needs on its own resources. See infra/README.md for the why.
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

@description('How session JWTs are signed. KeyVault: Key Vault signs each one (about 400 signs/s per vault). Wrapped: the app signs in process with RSA keys it generates, rotates and stores wrapped by a Key Vault key (Signing__Mode, Signing__WrappingKeyId).')
@allowed([
  'KeyVault'
  'Wrapped'
])
param signingMode string = 'KeyVault'

@description('Wrapped mode: how often the app starts signing with a new key (Signing__RotationInterval, d.hh:mm:ss).')
param signingRotationInterval string = '30.00:00:00'

@description('Wrapped mode: how long before a new key signs that it is published in the JWKS, so verifiers\' caches already hold it (Signing__RotationLead).')
param signingRotationLead string = '2.00:00:00'

@description('Alert when more than this percentage of migrate calls in 15 minutes fail.')
@minValue(1)
@maxValue(100)
param migrateFailureRatePercent int = 10

@description('Fewest migrate calls in 15 minutes before the failure-rate alert may fire.')
@minValue(1)
param migrateFailureMinimumCalls int = 20

@description('Resource id of an action group the alerts notify. Empty: they show in the portal only.')
param alertActionGroupId string = ''

@description('Optional Entra object id of a person or pipeline that rotates the key in use (`az keyvault key rotate`): Key Vault Crypto Officer on that key only. Empty for none.')
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

var tableNames = [
  '${tablePrefix}Organizations'
  '${tablePrefix}Members'
  '${tablePrefix}SessionExpiry'
  '${tablePrefix}SigningKeys' // Signing__Mode=Wrapped's keys (wrapped); empty in the other modes
  '${tablePrefix}OrganizationChanges' // what each instance evicts from its organization cache
]

// ---------------------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------------------

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-${environmentName}-${resourceToken}'
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    name: 'st${take(compactName, 9)}${resourceToken}' // 3-24 lowercase letters and digits
    tableNames: tableNames
    deploymentContainerName: 'app-package'
    principalId: identity.properties.principalId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${environmentName}-${resourceToken}'
    appInsightsName: 'appi-${environmentName}-${resourceToken}'
    principalId: identity.properties.principalId
    migrateFailureRatePercent: migrateFailureRatePercent
    migrateFailureMinimumCalls: migrateFailureMinimumCalls
    alertActionGroupId: alertActionGroupId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    name: 'kv${take(compactName, 9)}${resourceToken}' // 3-24 characters, globally unique
    signingMode: signingMode
    projectSecret: projectSecret
    principalId: identity.properties.principalId
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    keyAdminPrincipalId: keyAdminPrincipalId
    keyAdminPrincipalType: keyAdminPrincipalType
  }
}

// Settings of each signing mode (read by SigningOptions).
var signingSettings = signingMode == 'KeyVault'
  ? {
      Signing__Mode: 'KeyVault'
      Signing__KeyVaultKeyId: keyVault.outputs.signingKeyId
    }
  : {
      Signing__Mode: 'Wrapped'
      Signing__WrappingKeyId: keyVault.outputs.wrappingKeyId
      Signing__RotationInterval: signingRotationInterval
      Signing__RotationLead: signingRotationLead
    }

// The app module starts only once the other modules, and so every role assignment, are done: the host starts as soon
// as its settings land and needs its data-plane access by then.
module app 'modules/app.bicep' = {
  name: 'app'
  params: {
    location: location
    tags: tags
    planName: 'plan-${environmentName}-${resourceToken}'
    name: 'func-${environmentName}-${resourceToken}'
    identityId: identity.id
    identityClientId: identity.properties.clientId
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    storageEndpoints: {
      blob: storage.outputs.blobEndpoint
      queue: storage.outputs.queueEndpoint
      table: storage.outputs.tableEndpoint
    }
    appInsightsConnectionString: monitoring.outputs.connectionString
    applicationSettings: union(
      {
        Sessions__ProjectId: projectId
        Sessions__ProjectSecret: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.projectSecretUri})'
        Sessions__UserInfoUrl: userInfoUrl
        Storage__TableServiceUri: storage.outputs.tableEndpoint
        Storage__TablePrefix: tablePrefix
        // The storage module declares the tables; skipping the create-if-missing calls saves ~120 ms of cold start.
        Storage__CreateTables: 'false'
        Signing__RotationOverlapDays: string(keyRotationOverlapDays)
        Signing__JwtReuseWindow: jwtReuseWindow
        Sweep__Schedule: sweepSchedule
      },
      signingSettings
    )
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Outputs (none of them secret)
// ---------------------------------------------------------------------------------------------------------------------

output functionAppName string = app.outputs.name
output functionAppUrl string = app.outputs.url
output keyId string = keyVault.outputs.signingKeyId
output keyIdWithVersion string = keyVault.outputs.signingKeyIdWithVersion
output wrappingKeyId string = keyVault.outputs.wrappingKeyId
output keyVaultName string = keyVault.outputs.name
output storageAccountName string = storage.outputs.name
output tableServiceUri string = storage.outputs.tableEndpoint
output managedIdentityClientId string = identity.properties.clientId
output workbookId string = monitoring.outputs.workbookId
output resourceGroupName string = resourceGroup().name
// azd reads these.
output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output SERVICE_API_ENDPOINT string = app.outputs.url
