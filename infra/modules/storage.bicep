// Storage: the Functions host's blobs and queues, the Flex deployment package container and the app's tables.
// Shared keys are off: everything goes through the app's managed identity, with the roles assigned here, each on the
// narrowest scope the service can grant it on. Private by default: public network access is off and the app reaches
// blob, queue and table through private endpoints in its virtual network.

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Standard_ZRS (three zones) where the region has availability zones, else Standard_LRS.')
@allowed([
  'Standard_ZRS'
  'Standard_LRS'
])
param sku string

@description('The app\'s table names.')
param tableNames string[]

@description('Blob container the Flex Consumption app loads its package from.')
param deploymentContainerName string

@description('Principal id of the app\'s managed identity.')
param principalId string

@description('True opens the account to public networks (development deployments); false denies them.')
param allowPublicNetworkAccess bool

@description('Subnet of the private endpoints.')
param privateEndpointSubnetId string

@description('Private DNS zones of blob, queue and table.')
param dnsZoneIds { blob: string, queue: string, table: string }

@description('Log Analytics workspace receiving the storage metrics and logs.')
param logAnalyticsWorkspaceId string

@description('Also send the table service\'s resource logs, whose request URIs hold organization ids and the hashed keys of emails and external ids (see README, Threat model).')
param tableResourceLogs bool

// Containers the Functions host uses (timer schedule monitor, singleton leases, function keys): made here, so the
// app's identity needs roles on these containers only, not on the account.
var hostContainerNames = [
  'azure-webjobs-hosts'
  'azure-webjobs-secrets'
]

// Built-in role definitions (the GUIDs are the same in every tenant).
var storageTableDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
var storageBlobDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
var storageQueueDataContributor = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '974c5e8b-45b9-4653-ba55-5f855dd0fb88')

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: sku
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: allowPublicNetworkAccess ? 'Enabled' : 'Disabled'
    networkAcls: {
      defaultAction: allowPublicNetworkAccess ? 'Allow' : 'Deny'
      bypass: 'None'
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

resource hostContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for containerName in hostContainerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

// The expiry sweep's work queue: the timer function writes one message per due expiry partition, a queue-triggered
// function sweeps each (src/SessionFunctions.Functions/SweepFunction.cs; the name is SweepFunction.Queue). The host
// would create it on first use; declaring it keeps it visible and lets the poison queue sit beside it.
resource sweepQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = {
  parent: queueService
  name: 'session-sweep'
}

// The app's tables (Organizations, OrganizationChanges, Members, SessionExpiry, SigningKeys), each on its own. The host needs no tables.
resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (tableName, i) in tableNames: {
    name: guid(tables[i].id, principalId, storageTableDataContributor)
    scope: tables[i]
    properties: {
      roleDefinitionId: storageTableDataContributor
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// The Flex deployment package container: the platform loads the package with the app's identity, and writes it there
// with the same identity when `azd deploy` (one deploy) publishes, so read alone would break deployments. Nothing else.
resource deploymentContainerContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deploymentContainer.id, principalId, storageBlobDataContributor)
  scope: deploymentContainer
  properties: {
    roleDefinitionId: storageBlobDataContributor
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// The host's own containers. Contributor, not Owner: leases and blobs, no ACLs, and no other container.
resource hostContainerContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (containerName, i) in hostContainerNames: {
    name: guid(hostContainers[i].id, principalId, storageBlobDataContributor)
    scope: hostContainers[i]
    properties: {
      roleDefinitionId: storageBlobDataContributor
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Queues: the sweep's (the timer writes, the queue trigger reads and deletes, through the host's AzureWebJobsStorage
// identity connection) and the host's own (retries, poison messages). They hold no member data.
resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: storageQueueDataContributor
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Private endpoints: the only way in while public network access is off.
module endpoints 'private-endpoint.bicep' = [
  for service in ['blob', 'queue', 'table']: {
    name: 'pe-${name}-${service}'
    params: {
      location: location
      tags: tags
      name: 'pe-${name}-${service}'
      subnetId: privateEndpointSubnetId
      resourceId: storage.id
      groupId: service
      dnsZoneId: dnsZoneIds[service]
    }
  }
]

// Diagnostics to Log Analytics: transaction metrics of the account and of each service; resource logs of blob and
// queue (package and host traffic); the table service's resource logs only when asked (tableResourceLogs), because
// each line's URI holds row keys.
resource accountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storage
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: tableResourceLogs
      ? [
          {
            categoryGroup: 'allLogs'
            enabled: true
          }
        ]
      : []
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
