// The virtual network the app reaches its storage and Key Vault through: a subnet delegated to Flex Consumption's VNet
// integration (Microsoft.App/environments), a subnet for the private endpoints, and the private DNS zones that make the
// services' ordinary host names resolve to those endpoints inside the network.

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Virtual network name.')
param name string

@description('Address space of the network: /16; the app subnet takes x.x.0.0/24, the private endpoints x.x.1.0/24.')
param addressPrefix string = '10.60.0.0/16'

var appSubnetName = 'app'
var privateEndpointSubnetName = 'private-endpoints'
var prefix = take(addressPrefix, lastIndexOf(addressPrefix, '.0.0/'))

// One zone per service the app reaches privately. The Key Vault zone is the same in every public cloud region.
var dnsZoneNames = {
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  queue: 'privatelink.queue.${environment().suffixes.storage}'
  table: 'privatelink.table.${environment().suffixes.storage}'
  vault: 'privatelink.vaultcore.azure.net'
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: appSubnetName
        properties: {
          addressPrefix: '${prefix}.0.0/24'
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
        }
      }
      {
        name: privateEndpointSubnetName
        properties: {
          addressPrefix: '${prefix}.1.0/24'
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in items(dnsZoneNames): {
    name: zone.value
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in items(dnsZoneNames): {
    parent: zones[i]
    name: '${name}-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

output appSubnetId string = '${vnet.id}/subnets/${appSubnetName}'
output privateEndpointSubnetId string = '${vnet.id}/subnets/${privateEndpointSubnetName}'
output blobDnsZoneId string = zones[0].id
output queueDnsZoneId string = zones[1].id
output tableDnsZoneId string = zones[2].id
output vaultDnsZoneId string = zones[3].id
