// Key Vault: the project secret and the session-signing keys. RBAC only; every role is scoped to one key or secret.
//
// signingMode 'KeyVault' (default): an RSA key with key ops sign/verify signs every session JWT inside the vault; the app
// gets Key Vault Crypto User on that key. signingMode 'Wrapped': the app signs in process with keys it generates and
// stores wrapped (encrypted) by an RSA key in the vault; the app gets only wrap/unwrap on that wrapping key.

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Key Vault name (3-24 characters, globally unique).')
param name string

@description('KeyVault: Key Vault signs each JWT. Wrapped: the app signs in process with keys wrapped by a Key Vault key.')
@allowed([
  'KeyVault'
  'Wrapped'
])
param signingMode string

@description('Project secret, stored as a secret the app reads through a Key Vault reference.')
@secure()
param projectSecret string

@description('Principal id of the app\'s managed identity.')
param principalId string

@description('True opens the vault to public networks (development deployments); false denies them.')
param allowPublicNetworkAccess bool

@description('Subnet of the private endpoints.')
param privateEndpointSubnetId string

@description('Private DNS zone privatelink.vaultcore.azure.net.')
param dnsZoneId string

@description('Log Analytics workspace receiving the vault\'s audit log.')
param logAnalyticsWorkspaceId string

@description('Optional Entra object id that may rotate the signing key (Key Vault Crypto Officer on that key only).')
param keyAdminPrincipalId string

@description('Principal type of keyAdminPrincipalId.')
param keyAdminPrincipalType string

var signingKeyName = 'session-signing'
var wrappingKeyName = 'session-key-wrapping'
var projectSecretName = 'sessions-project-secret'

var keyVaultCryptoUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '12338af0-0e69-4776-bea7-57ae8d297424')
var keyVaultCryptoOfficer = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '14b46e9e-c2b7-41b4-b07b-48a6ebf60603')
var keyVaultSecretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
var keyVaultCryptoServiceEncryptionUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'e147488a-f6f5-4113-8e2d-b22465e65bf6')

resource keyVault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
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
    // Keys and the secret below are written through Azure Resource Manager, which the network rules do not apply to.
    publicNetworkAccess: allowPublicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: {
      defaultAction: allowPublicNetworkAccess ? 'Allow' : 'Deny'
      bypass: 'None'
    }
  }
}

// ARM creates a key's first version only; redeploying never creates or changes versions, so rotation done with
// `az keyvault key rotate` survives later deployments.
resource signingKey 'Microsoft.KeyVault/vaults/keys@2025-05-01' = if (signingMode == 'KeyVault') {
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

// Wrapped mode: encrypts (wraps) the signing keys the app generates and stores; it never signs anything itself.
resource wrappingKey 'Microsoft.KeyVault/vaults/keys@2025-05-01' = if (signingMode == 'Wrapped') {
  parent: keyVault
  name: wrappingKeyName
  tags: tags
  properties: {
    kty: 'RSA'
    keySize: 3072
    keyOps: [
      'wrapKey'
      'unwrapKey'
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

// Audit trail of every data-plane call (sign, wrap, get key, get secret) into the Log Analytics workspace.
// The app signs, wraps and reads its secret through this endpoint.
module endpoint 'private-endpoint.bicep' = {
  name: 'pe-${name}-vault'
  params: {
    location: location
    tags: tags
    name: 'pe-${name}-vault'
    subnetId: privateEndpointSubnetId
    resourceId: keyVault.id
    groupId: 'vault'
    dnsZoneId: dnsZoneId
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: keyVault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

// KeyVault mode: sign with, and read the public part of, the signing key: this key only, not the vault.
resource cryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (signingMode == 'KeyVault') {
  name: guid(signingKey.id, principalId, keyVaultCryptoUser)
  scope: signingKey
  properties: {
    roleDefinitionId: keyVaultCryptoUser
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Wrapped mode: Key Vault Crypto Service Encryption User allows exactly keys/read, wrapKey and unwrapKey, which is all
// the app does with this key. Not Crypto User: that role also allows sign, verify, encrypt and decrypt, which the app
// never needs here. Scoped to this key only.
resource cryptoServiceEncryptionUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (signingMode == 'Wrapped') {
  name: guid(wrappingKey.id, principalId, keyVaultCryptoServiceEncryptionUser)
  scope: wrappingKey
  properties: {
    roleDefinitionId: keyVaultCryptoServiceEncryptionUser
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Resolve the Sessions__ProjectSecret Key Vault reference: this secret only, not the vault.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(projectSecretSecret.id, principalId, keyVaultSecretsUser)
  scope: projectSecretSecret
  properties: {
    roleDefinitionId: keyVaultSecretsUser
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Optional: whoever rotates the key in use. Scoped to that key, not the vault; never the app's identity.
resource keyAdminSigning 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyAdminPrincipalId) && signingMode == 'KeyVault') {
  name: guid(signingKey.id, keyAdminPrincipalId, keyVaultCryptoOfficer)
  scope: signingKey
  properties: {
    roleDefinitionId: keyVaultCryptoOfficer
    principalId: keyAdminPrincipalId
    principalType: keyAdminPrincipalType
  }
}

resource keyAdminWrapping 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyAdminPrincipalId) && signingMode == 'Wrapped') {
  name: guid(wrappingKey.id, keyAdminPrincipalId, keyVaultCryptoOfficer)
  scope: wrappingKey
  properties: {
    roleDefinitionId: keyVaultCryptoOfficer
    principalId: keyAdminPrincipalId
    principalType: keyAdminPrincipalType
  }
}

output name string = keyVault.name
output resourceId string = keyVault.id
output projectSecretUri string = projectSecretSecret.properties.secretUri
output signingKeyId string = signingMode == 'KeyVault' ? signingKey!.properties.keyUri : ''
output signingKeyIdWithVersion string = signingMode == 'KeyVault' ? signingKey!.properties.keyUriWithVersion : ''
output wrappingKeyId string = signingMode == 'Wrapped' ? wrappingKey!.properties.keyUri : ''
