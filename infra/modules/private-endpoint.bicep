// One private endpoint for one sub-resource (blob, queue, table, vault) of a storage account or Key Vault, with its
// A record in the matching private DNS zone, so the service's usual host name resolves to the endpoint in the network.

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Private endpoint name.')
param name string

@description('Subnet the endpoint takes its address in.')
param subnetId string

@description('Resource id of the storage account or Key Vault.')
param resourceId string

@description('Sub-resource: blob, queue, table or vault.')
param groupId string

@description('Resource id of the private DNS zone for groupId.')
param dnsZoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: resourceId
          groupIds: [
            groupId
          ]
        }
      }
    ]
  }
}

resource dnsZoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: groupId
        properties: {
          privateDnsZoneId: dnsZoneId
        }
      }
    ]
  }
}
