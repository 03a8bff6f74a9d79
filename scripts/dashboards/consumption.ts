/**
 * "Genesys API consumption": which OAuth client is heading for the per-token rate limit, who burns
 * the quota, and what the platform itself reports. Queries use the recording rules shipped in
 * prometheus/rules (the limit fallback and thresholds live there, not here).
 */
import {
  DashboardBuilder,
  DashboardCursorSync,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  BigValueColorMode,
  GraphDrawStyle,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { DEFAULT_TOKEN_LIMIT, HIGH_429_SHARE, HOT_UTILIZATION, percent } from '../../src/model/thresholds.js';
import {
  ORG,
  ORG_CLIENT,
  PROMETHEUS,
  clientVariable,
  instant,
  metric,
  orgVariable,
  series,
} from './common.js';

const tableLegend = () =>
  new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.Table)
    .placement(LegendPlacement.Right)
    .calcs(['lastNotNull', 'max'])
    .sortBy('Last *')
    .sortDesc(true);

const listLegend = () =>
  new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.List)
    .placement(LegendPlacement.Bottom);

function requestsPerMinute(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Requests/min per OAuth client')
    .description(
      'All tokens of each client (agent gateway, sliding 60 s). The red dashed line is the per-token limit of the org ' +
        `(reported by Genesys, ${DEFAULT_TOKEN_LIMIT} when unknown): a client with several tokens may legitimately exceed it; ` +
        'the utilisation panel compares the busiest token with it.',
    )
    .datasource(PROMETHEUS)
    .withTarget(series(`genesys:client_requests_per_minute:sum{${ORG_CLIENT}}`, '{{client_name}}', 'A'))
    .withTarget(
      series(
        `max by (org) (genesys:client_token_limit:requests_per_minute{${ORG}})`,
        'per-token limit ({{org}})',
        'B',
      ),
    )
    .overrideByRegexp('^per-token limit', [
      { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'custom.fillOpacity', value: 0 },
    ])
    .unit('reqpm')
    .min(0)
    .legend(tableLegend())
    .height(9)
    .span(12);
}

function utilisation(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Busiest-token utilisation of the rate limit')
    .description(
      "Each client's busiest token ÷ the per-token limit. Dashed lines: " +
        `${percent(HOT_UTILIZATION)} % (GenesysClientNearRateLimit fires ` +
        'after 2 minutes above it) and 100 % (Genesys answers 429).',
    )
    .datasource(PROMETHEUS)
    .withTarget(series(`genesys:client_limit_utilization:ratio{${ORG_CLIENT}}`, '{{client_name}}'))
    .unit('percentunit')
    .min(0)
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'green' },
        { value: HOT_UTILIZATION, color: 'orange' },
        { value: 1, color: 'red' },
      ]),
    )
    .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed))
    .legend(tableLegend())
    .height(9)
    .span(12);
}

/** Column order and names of the "who is burning the quota" table, keyed by query refId. */
const QUOTA_COLUMNS = [
  ['A', 'Requests/min (now)', `genesys:client_requests_per_minute:sum{${ORG_CLIENT}}`],
  ['B', 'Utilisation (busiest token)', `genesys:client_limit_utilization:ratio{${ORG_CLIENT}}`],
  [
    'C',
    'Upstream 429s (time range)',
    `sum by (org, client_id, client_name) (increase(${metric.gatewayRateLimited}{${ORG_CLIENT}}[$__range]))`,
  ],
  [
    'D',
    'Requests (last day)',
    `sum by (org, client_id, client_name) (${metric.usageRequestsLastDay}{${ORG_CLIENT}})`,
  ],
  [
    'E',
    '429s (last day)',
    `sum by (org, client_id, client_name) (${metric.usageResponsesLastDay}{status_class="429", ${ORG_CLIENT}})`,
  ],
  ['F', '429 share (last day)', `genesys:client_429_share:ratio_last_day{${ORG_CLIENT}}`],
] as const;

function quotaTable(): TablePanel {
  const panel = new TablePanel()
    .title('Who is burning the quota')
    .description(
      'One row per OAuth client. "Now" columns come from the agent gateway (clients routed through it); ' +
        '"last day" columns from the Usage API, which covers every client but is refreshed about once a day.',
    )
    .datasource(PROMETHEUS);
  for (const [refId, , expr] of QUOTA_COLUMNS) panel.withTarget(instant(expr, refId));
  const renameByName: Record<string, string> = {
    org: 'Org',
    client_name: 'OAuth client',
    client_id: 'Client id',
  };
  const indexByName: Record<string, number> = { client_name: 0, org: 1, client_id: 2 };
  QUOTA_COLUMNS.forEach(([refId, title], i) => {
    renameByName[`Value #${refId}`] = title;
    indexByName[`Value #${refId}`] = 3 + i;
  });
  return panel
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: { excludeByName: { Time: true }, renameByName, indexByName },
    })
    .withTransformation({
      id: 'sortBy',
      options: { sort: [{ field: 'Requests (last day)', desc: true }] },
    })
    .overrideByName('Utilisation (busiest token)', [
      { id: 'unit', value: 'percentunit' },
      {
        id: 'thresholds',
        value: {
          mode: 'absolute',
          steps: [
            { value: null, color: 'green' },
            { value: HOT_UTILIZATION, color: 'orange' },
            { value: 1, color: 'red' },
          ],
        },
      },
      { id: 'custom.cellOptions', value: { type: 'color-background' } },
    ])
    .overrideByName('429 share (last day)', [
      { id: 'unit', value: 'percentunit' },
      {
        id: 'thresholds',
        value: {
          mode: 'absolute',
          steps: [
            { value: null, color: 'green' },
            { value: HIGH_429_SHARE, color: 'red' },
          ],
        },
      },
      { id: 'custom.cellOptions', value: { type: 'color-text' } },
    ])
    .overrideByName('Requests/min (now)', [{ id: 'unit', value: 'reqpm' }])
    .height(10)
    .span(24);
}

/** The selected clients' busiest endpoints: the call to fix (cache it, bulk it, move it to notifications). */
function topEndpoints(live: boolean): TablePanel {
  const byEndpoint = (expr: string) => `sum by (client_name, method, endpoint) (${expr})`;
  // Live: the gateway's sliding minute and its 429s of the last 5 minutes; daily: the Usage API's last complete day.
  const top = live
    ? `topk(10, ${byEndpoint(`${metric.gatewayEndpointRequestsPerMinute}{${ORG_CLIENT}}`)})`
    : `topk(10, ${byEndpoint(`${metric.usageEndpointRequestsLastDay}{${ORG_CLIENT}}`)})`;
  const limited = live
    ? byEndpoint(`increase(${metric.gatewayEndpointRequests}{status_class="429", ${ORG_CLIENT}}[5m])`)
    : byEndpoint(`${metric.usageEndpointResponsesLastDay}{status_class="429", ${ORG_CLIENT}}`);
  const [requests, limitedName] = live
    ? ['Requests/min (now)', '429s (last 5 min)']
    : ['Requests (last day)', '429s (last day)'];
  const panel = new TablePanel()
    .title(live ? 'Top endpoints now (gateway)' : 'Top endpoints (last complete day)')
    .description(
      live
        ? 'The 10 busiest (client, endpoint, method) of the selected clients over the last minute, measured by the agent gateway ' +
            '(only integrations routed through it). Endpoint "other": a path the Genesys API catalogue does not know, or past AGENT_MAX_ENDPOINTS.'
        : 'The 10 busiest (client, endpoint, method) of the selected clients on the last complete day, from the Usage API. ' +
            'Each client exports its AGENT_USAGE_TOP_ENDPOINTS busiest endpoints; endpoint "other" sums the rest. ' +
            'Select one client to see its own top endpoints.',
    )
    .datasource(PROMETHEUS)
    .withTarget(instant(top, 'A'))
    // 0 where an endpoint had no 429s (no series), so every top row has the column.
    .withTarget(instant(`(${limited} or 0 * ${top}) and on (client_name, method, endpoint) ${top}`, 'B'));
  return panel
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        renameByName: {
          client_name: 'OAuth client',
          method: 'Method',
          endpoint: 'Endpoint',
          'Value #A': requests,
          'Value #B': limitedName,
        },
        indexByName: { client_name: 0, method: 1, endpoint: 2, 'Value #A': 3, 'Value #B': 4 },
      },
    })
    .withTransformation({ id: 'sortBy', options: { sort: [{ field: requests, desc: true }] } })
    .height(9)
    .span(12);
}

function upstream429s(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Upstream 429s per OAuth client')
    .description('HTTP 429 answers Genesys gave to requests that went through the agent gateway, per minute.')
    .datasource(PROMETHEUS)
    .withTarget(
      series(
        `sum by (org, client_name) (rate(${metric.gatewayRateLimited}{${ORG_CLIENT}}[$__rate_interval])) * 60`,
        '{{client_name}}',
      ),
    )
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(80)
    .unit('short')
    .axisLabel('429 / min')
    .min(0)
    .legend(listLegend())
    .height(8)
    .span(12);
}

function rateLimitWarnings(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Platform rate-limit warnings')
    .description(
      'Records Genesys makes when a trackable limit reaches 90 % (rate-limit aggregates API, polled every 60 s).',
    )
    .datasource(PROMETHEUS)
    .withTarget(
      series(
        `sum by (limit_key, entity_name) (increase(${metric.rateLimitWarnings}{${ORG}}[$__rate_interval]))`,
        '{{limit_key}} · {{entity_name}}',
      ),
    )
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(80)
    .unit('short')
    .min(0)
    .legend(listLegend())
    .height(8)
    .span(12);
}

function operationalEvents(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Operational events')
    .description('Genesys operational events, pulled from the events API or pushed through EventBridge.')
    .datasource(PROMETHEUS)
    .withTarget(
      series(
        `sum by (event_definition, source) (increase(${metric.operationalEvents}{${ORG}}[$__rate_interval]))`,
        '{{event_definition}} ({{source}})',
      ),
    )
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(80)
    .unit('short')
    .min(0)
    .legend(listLegend())
    .height(8)
    .span(12);
}

function dailyRequests(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Requests of the last day per OAuth client (Usage API)')
    .description(
      'Daily figures from the Usage API: complete for every client, but refreshed about once a day.',
    )
    .datasource(PROMETHEUS)
    .withTarget(
      series(`sum by (client_name) (${metric.usageRequestsLastDay}{${ORG_CLIENT}})`, '{{client_name}}'),
    )
    .unit('short')
    .min(0)
    .legend(tableLegend())
    .height(8)
    .span(12);
}

function monthToDate(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Requests this month: to date, forecast and allotment')
    .description(
      'Month-to-date requests of the org (Usage API), their linear forecast to the end of the month, and the ' +
        'allotment configured in the Prometheus recording rule genesys:monthly_allotment:requests. The forecast ' +
        'extrapolates the complete days of the month, so it starts once the 1st is complete: on the 1st the month ' +
        'has no complete day yet and the forecast line has a gap, not a false spike.',
    )
    .datasource(PROMETHEUS)
    .withTarget(series(`genesys:org_requests_month_to_date:sum{${ORG}}`, '{{org}} month to date', 'A'))
    .withTarget(series(`genesys:org_requests_month:forecast{${ORG}}`, '{{org}} forecast', 'B'))
    .withTarget(series('genesys:monthly_allotment:requests', 'allotment', 'C'))
    .overrideByName('allotment', [
      { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    ])
    .unit('short')
    .min(0)
    .legend(listLegend())
    .height(8)
    .span(12);
}

function usageDataAge(): StatPanel {
  return new StatPanel()
    .title('Usage data age')
    .description(
      'Age of the newest Usage API data per org. The Usage API refreshes about once a day; above 36 h it is stale.',
    )
    .datasource(PROMETHEUS)
    .withTarget(instant(`max by (org) (${metric.usageDataAge}{${ORG}})`, 'A').legendFormat('{{org}}'))
    .unit('s')
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'green' },
        { value: 26 * 3600, color: 'orange' },
        { value: 36 * 3600, color: 'red' },
      ]),
    )
    .colorMode(BigValueColorMode.Background)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .height(8)
    .span(12);
}

export function consumptionDashboard(): Dashboard {
  return new DashboardBuilder('Genesys API consumption')
    .uid('genesys-api-consumption')
    .description(
      'Platform API consumption of every OAuth client in the watched Genesys Cloud orgs (genesys-usage-agent).',
    )
    .tags(['genesys', 'rate-limits'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .timezone('browser')
    .withVariable(orgVariable())
    .withVariable(clientVariable())
    .withPanel(requestsPerMinute())
    .withPanel(utilisation())
    .withPanel(quotaTable())
    .withPanel(topEndpoints(true))
    .withPanel(topEndpoints(false))
    .withPanel(upstream429s())
    .withPanel(rateLimitWarnings())
    .withPanel(operationalEvents())
    .withPanel(usageDataAge())
    .withPanel(dailyRequests())
    .withPanel(monthToDate())
    .build();
}
