/**
 * Building blocks shared by the generated dashboards: the pinned Prometheus datasource, the org and
 * client variables and small query helpers. Label selectors always go through these helpers so the
 * variables are applied the same way everywhere.
 */
import {
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { catalogue } from '../../src/telemetry/catalogue.js';

/** Matches grafana/provisioning/datasources/prometheus.yaml (uid pinned so references never break). */
export const PROMETHEUS = { type: 'prometheus', uid: 'prometheus' };

/** Selector for the org variable. */
export const ORG = 'org=~"$org"';
/** Selector for the org and client variables. */
export const ORG_CLIENT = 'org=~"$org", client_name=~"$client"';

/** A range query drawn as time series. */
export function series(expr: string, legendFormat: string, refId = 'A'): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(PROMETHEUS)
    .expr(expr)
    .legendFormat(legendFormat)
    .range()
    .refId(refId);
}

/** An instant query returned as a table (one row per label set), for tables and stats. */
export function instant(expr: string, refId: string): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(PROMETHEUS)
    .expr(expr)
    .instant()
    .format(PromQueryFormat.Table)
    .refId(refId);
}

function labelVariable(name: string, label: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query({ query, refId: `${name}-variable` })
    .definition(query)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .sort(VariableSort.AlphabeticalAsc)
    .refresh(VariableRefresh.OnTimeRangeChanged);
}

/** Orgs the agent watches (every enabled source exports genesys_agent_source_up per org). */
export function orgVariable(): QueryVariableBuilder {
  return labelVariable('org', 'Org', `label_values(${metric.agentSourceUp}, org)`);
}

/** OAuth clients seen by the usage source (every client) or the gateway (clients routed through it). */
export function clientVariable(): QueryVariableBuilder {
  return labelVariable(
    'client',
    'OAuth client',
    `label_values({__name__=~"${metric.usageRequestsLastDay}|${metric.gatewayRequestsPerMinute}", org=~"$org"}, client_name)`,
  );
}

/** Metric names as Prometheus sees them, from the catalogue (`metric.gatewayShaped` → `genesys_gateway_shaped_total`). */
export const metric = Object.fromEntries(
  Object.entries(catalogue).map(([key, def]) => [key, def.prometheusName]),
) as { readonly [K in keyof typeof catalogue]: string };
