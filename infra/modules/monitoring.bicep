// Monitoring: Log Analytics, workspace-based Application Insights (Entra-authenticated ingestion only), the "Session
// migration" workbook and its alert rules. The queries read the app's OpenTelemetry metrics from customMetrics by
// their names (the contract in src/SessionFunctions.Core/Diagnostics/Telemetry.cs); customMetrics holds per-minute
// aggregates (valueSum, valueCount, valueMax), so percentiles come from the durations of the app's own spans
// ("UserInfo", "Sign JWT"), which arrive in the dependencies table.

@description('Azure region.')
param location string

@description('Tags applied to every resource.')
param tags { *: string }

@description('Log Analytics workspace name.')
param logAnalyticsName string

@description('Application Insights name.')
param appInsightsName string

@description('Principal id of the app\'s managed identity (publishes telemetry).')
param principalId string

@description('Alert when more than this percentage of migrate calls in 15 minutes fail (any outcome but "migrated").')
@minValue(1)
@maxValue(100)
param migrateFailureRatePercent int

@description('Fewest migrate calls in 15 minutes before the failure-rate alert may fire.')
@minValue(1)
param migrateFailureMinimumCalls int

@description('Action group the alerts notify (resource id). Empty: the alerts fire in the portal only.')
param alertActionGroupId string

var monitoringMetricsPublisher = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')

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

// Send telemetry to Application Insights, which has local (instrumentation-key) auth disabled.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: monitoringMetricsPublisher
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- The workbook -------------------------------------------------------------------------------------------------

var queries = {
  migrationsByOutcome: 'customMetrics\n| where name == "sessions.migrate.requests"\n| summarize migrations = sum(valueSum) by outcome = tostring(customDimensions.outcome), bin(timestamp, 1m)\n| render timechart'
  membersNotFound: 'customMetrics\n| where name == "sessions.migrate.requests" and tostring(customDimensions.outcome) == "migrate_from_external_email_does_not_exist"\n| summarize members_not_found = sum(valueSum) by organization_id = tostring(customDimensions.organization_id)\n| order by members_not_found desc'
  userInfoLatency: 'dependencies\n| where name == "UserInfo"\n| summarize p50_ms = percentile(duration, 50), p95_ms = percentile(duration, 95) by bin(timestamp, 5m)\n| render timechart'
  userInfoByStatus: 'customMetrics\n| where name == "sessions.userinfo.duration"\n| summarize calls = sum(valueCount), avg_ms = 1000.0 * sum(valueSum) / sum(valueCount), max_ms = 1000.0 * max(valueMax) by status = tostring(customDimensions.status), bin(timestamp, 5m)\n| order by timestamp desc'
  userInfoErrors: 'customMetrics\n| where name == "sessions.userinfo.duration" and tostring(customDimensions.status) != "200"\n| summarize errors = sum(valueCount) by status = tostring(customDimensions.status), bin(timestamp, 1m)\n| render timechart'
  userInfoBudget: 'customMetrics\n| where name == "sessions.userinfo.calls"\n| summarize calls = sum(valueSum) by provider = tostring(customDimensions.provider), outcome = tostring(customDimensions.outcome), bin(timestamp, 1m)\n| render timechart'
  signLatency: 'customMetrics\n| where name == "sessions.signing.duration"\n| summarize avg_ms = 1000.0 * sum(valueSum) / sum(valueCount), max_ms = 1000.0 * max(valueMax) by signer = tostring(customDimensions.signer), bin(timestamp, 5m)\n| render timechart'
  signPercentiles: 'dependencies\n| where name == "Sign JWT"\n| summarize p50_ms = percentile(duration, 50), p95_ms = percentile(duration, 95) by signer = tostring(customDimensions.signer), bin(timestamp, 5m)\n| render timechart'
  signThrottled: 'customMetrics\n| where name == "sessions.signing.duration" and tostring(customDimensions.throttled) =~ "true"\n| summarize throttled_signatures = sum(valueCount) by bin(timestamp, 1m)\n| render timechart'
  requestsByFunction: 'requests\n| where not(name startswith "CatchAll")\n| summarize requests = count(), failed = countif(success == false), p50_ms = percentile(duration, 50), p95_ms = percentile(duration, 95) by name\n| order by requests desc'
  unmatchedRequests: 'requests\n| where name startswith "CatchAll"\n| summarize requests = count() by name, resultCode, bin(timestamp, 5m)\n| order by timestamp desc'
  sweepDeleted: 'customMetrics\n| where name == "sessions.sweep.deleted"\n| summarize deleted = sum(valueSum) by bin(timestamp, 5m)\n| render columnchart'
}

var panels = [
  { title: 'Requests by function (one per route; the worker\'s spans are named by route template)', query: queries.requestsByFunction, visualization: 'table' }
  { title: 'Unmatched requests (catch-all functions: unknown paths 404, other verbs 405)', query: queries.unmatchedRequests, visualization: 'table' }
  { title: 'Migrations per minute by outcome', query: queries.migrationsByOutcome, visualization: 'timechart' }
  { title: 'Members not found, by organization (members still to import)', query: queries.membersNotFound, visualization: 'table' }
  { title: 'UserInfo latency p50 / p95 (ms)', query: queries.userInfoLatency, visualization: 'timechart' }
  { title: 'UserInfo errors per minute by status', query: queries.userInfoErrors, visualization: 'timechart' }
  { title: 'UserInfo calls by status', query: queries.userInfoByStatus, visualization: 'table' }
  { title: 'UserInfo budget per provider: sent, over_budget (429), provider_throttled (503)', query: queries.userInfoBudget, visualization: 'timechart' }
  { title: 'Signing latency by signer, avg / max (ms)', query: queries.signLatency, visualization: 'timechart' }
  { title: 'Signing latency p50 / p95 (ms)', query: queries.signPercentiles, visualization: 'timechart' }
  { title: 'Key Vault throttled signatures per minute', query: queries.signThrottled, visualization: 'timechart' }
  { title: 'Expired sessions deleted by the sweep', query: queries.sweepDeleted, visualization: 'barchart' }
]

var workbookContent = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      name: 'intro'
      content: {
        json: '## Session migration\nMigrate outcomes, the members still to import, the legacy provider\'s UserInfo endpoint and its budget, signing and the expiry sweep. Metric names: sessions.*.'
      }
    }
    {
      type: 9
      name: 'parameters'
      content: {
        version: 'KqlParameterItem/1.0'
        parameters: [
          {
            id: 'time-range'
            version: 'KqlParameterItem/1.0'
            name: 'TimeRange'
            type: 4
            isRequired: true
            value: {
              durationMs: 3600000
            }
            typeSettings: {
              selectableValues: [
                { durationMs: 900000 }
                { durationMs: 3600000 }
                { durationMs: 14400000 }
                { durationMs: 86400000 }
                { durationMs: 604800000 }
              ]
            }
          }
        ]
      }
    }
    ...map(panels, p => {
      type: 3
      name: p.title
      content: {
        version: 'KqlItem/1.0'
        title: p.title
        query: p.query
        queryType: 0
        resourceType: 'microsoft.insights/components'
        visualization: p.visualization
        timeContextFromParameter: 'TimeRange'
        size: 0
      }
    })
  ]
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(appInsights.id, 'session-migration-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Session migration'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: string(workbookContent)
  }
}

// ---- Alerts ---------------------------------------------------------------------------------------------------------

var actions = empty(alertActionGroupId) ? {} : { actionGroups: [alertActionGroupId] }

resource migrateFailureRate 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-${appInsightsName}-migrate-failure-rate'
  location: location
  tags: tags
  properties: {
    displayName: 'Session migration: migrate failure rate above ${migrateFailureRatePercent}%'
    description: 'More than ${migrateFailureRatePercent}% of migrate calls in 15 minutes ended in an error (sessions.migrate.requests, outcome other than "migrated"); the outcome names the Stytch error_type.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics\n| where name == "sessions.migrate.requests"\n| summarize total = sum(valueSum), failed = sumif(valueSum, tostring(customDimensions.outcome) != "migrated")\n| where total >= ${migrateFailureMinimumCalls}\n| extend failure_rate_percent = 100.0 * failed / total'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'failure_rate_percent'
          operator: 'GreaterThan'
          threshold: migrateFailureRatePercent
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: actions
  }
}

resource keyVaultThrottling 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-${appInsightsName}-keyvault-throttling'
  location: location
  tags: tags
  properties: {
    displayName: 'Session migration: Key Vault is throttling signatures'
    description: 'Key Vault answered 429 to JWT signatures in the last 5 minutes (sessions.signing.duration, throttled = true). Sustained throttling turns into 503s; see Signing__JwtReuseWindow or signingMode Wrapped.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics\n| where name == "sessions.signing.duration" and tostring(customDimensions.throttled) =~ "true"\n| summarize throttled = sum(valueCount)'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'throttled'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: actions
  }
}

output appInsightsId string = appInsights.id
output appInsightsName string = appInsights.name
output connectionString string = appInsights.properties.ConnectionString
output logAnalyticsWorkspaceId string = logAnalytics.id
output workbookId string = workbook.id
