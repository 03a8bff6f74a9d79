/**
 * "Agent health": is genesys-usage-agent itself collecting, how fast, and how much of the org's
 * API budget it spends on its own calls.
 */
import {
  DashboardBuilder,
  DashboardCursorSync,
  MappingType,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  BigValueColorMode,
  BigValueTextMode,
  GraphDrawStyle,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { ORG, PROMETHEUS, instant, metric, orgVariable, series } from './common.js';

const legend = () =>
  new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.List)
    .placement(LegendPlacement.Bottom);

const upDown = [
  {
    type: MappingType.ValueToText as const,
    options: { '0': { text: 'down', color: 'red' }, '1': { text: 'up', color: 'green' } },
  },
];

const upDownThresholds = () =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
    { value: null, color: 'red' },
    { value: 1, color: 'green' },
  ]);

/** An up/down stat: green "up" on 1, red "down" on 0, one value per series. */
function upDownStat(
  title: string,
  description: string,
  expr: string,
  legend: string,
  span: number,
): StatPanel {
  return new StatPanel()
    .title(title)
    .description(description)
    .datasource(PROMETHEUS)
    .withTarget(instant(expr, 'A').legendFormat(legend))
    .mappings(upDown)
    .thresholds(upDownThresholds())
    .colorMode(BigValueColorMode.Background)
    .textMode(BigValueTextMode.ValueAndName)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .height(6)
    .span(span);
}

function scrape(): StatPanel {
  return upDownStat(
    'Agent scrape',
    'Whether Prometheus can scrape the agent (job genesys-usage-agent).',
    'up{job="genesys-usage-agent"}',
    '{{instance}}',
    8,
  );
}

function sourcesUp(): StatPanel {
  return upDownStat(
    'Sources up',
    'Whether the last collection of each source succeeded (GenesysAgentSourceDown fires after 5 minutes down).',
    `${metric.agentSourceUp}{${ORG}}`,
    '{{org}} · {{source}}',
    10,
  );
}

function buildInfo(): TablePanel {
  return new TablePanel()
    .title('Agent version')
    .datasource(PROMETHEUS)
    .withTarget(instant(metric.agentBuildInfo, 'A'))
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true, Value: true, __name__: true },
        renameByName: { version: 'Version' },
      },
    })
    .height(6)
    .span(6);
}

function sinceLastSuccess(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Time since last successful collection')
    .datasource(PROMETHEUS)
    .withTarget(series(`time() - ${metric.agentSourceLastSuccess}{${ORG}}`, '{{org}} · {{source}}'))
    .unit('s')
    .min(0)
    .legend(legend())
    .height(8)
    .span(12);
}

function durations(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Collection duration')
    .description('How long the last collection of each source took (including Usage API job polling).')
    .datasource(PROMETHEUS)
    .withTarget(series(`${metric.agentSourceDuration}{${ORG}}`, '{{org}} · {{source}}'))
    .unit('s')
    .min(0)
    .legend(legend())
    .height(8)
    .span(12);
}

function ownCalls(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Agent's own Genesys API calls by status")
    .description(
      'Calls the agent makes itself; "error" means no HTTP response (timeout, connection failure).',
    )
    .datasource(PROMETHEUS)
    .withTarget(
      series(
        `sum by (status_class) (rate(${metric.agentApiRequests}{${ORG}}[$__rate_interval])) * 60`,
        '{{status_class}}',
      ),
    )
    .unit('reqpm')
    .min(0)
    .legend(legend())
    .height(8)
    .span(12);
}

function own429s(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title("Agent's own 429s by endpoint")
    .description('Throttling of the agent itself (GenesysAgentThrottled).')
    .datasource(PROMETHEUS)
    .withTarget(
      series(
        `sum by (endpoint) (increase(${metric.agentApiRequests}{status_class="429", ${ORG}}[$__rate_interval]))`,
        '{{endpoint}}',
      ),
    )
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(80)
    .unit('short')
    .min(0)
    .legend(legend())
    .height(8)
    .span(12);
}

function gatewayLatency(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Gateway upstream latency (p95)')
    .description('95th percentile of the time Genesys took to answer requests forwarded by the gateway.')
    .datasource(PROMETHEUS)
    .withTarget(
      series(
        `histogram_quantile(0.95, sum by (le, client_name) (rate(${metric.gatewayUpstreamDuration}_bucket{${ORG}}[$__rate_interval])))`,
        '{{client_name}}',
      ),
    )
    .unit('s')
    .min(0)
    .legend(legend())
    .height(8)
    .span(12);
}

function gatewayLoad(): TimeseriesPanel {
  return new TimeseriesPanel()
    .title('Gateway: in-flight requests, active tokens and shaping')
    .datasource(PROMETHEUS)
    .withTarget(
      series(
        `sum by (client_name) (${metric.gatewayInflightRequests}{${ORG}})`,
        '{{client_name}} in flight',
        'A',
      ),
    )
    .withTarget(
      series(
        `sum by (client_name) (${metric.gatewayTokensActive}{${ORG}})`,
        '{{client_name}} active tokens',
        'B',
      ),
    )
    .withTarget(
      series(
        `sum by (client_name, outcome) (rate(${metric.gatewayShaped}{${ORG}}[$__rate_interval])) * 60`,
        '{{client_name}} shaped {{outcome}}/min',
        'C',
      ),
    )
    .unit('short')
    .min(0)
    .legend(legend())
    .height(8)
    .span(12);
}

function shards(): TablePanel {
  const owned = `count by (instance) (${metric.agentOrgOwned})`;
  return new TablePanel()
    .title('Shards')
    .description(
      'Each replica: its shard i of n (AGENT_SHARD) and how many orgs it polls; a replica may poll none. Two rows with one shard: it is claimed twice.',
    )
    .datasource(PROMETHEUS)
    .withTarget(
      instant(
        `max by (instance, shard, shards) (${metric.agentShardInfo}) * on (instance) group_left () (${owned} or on (instance) count by (instance) (${metric.agentShardInfo}) * 0)`,
        'A',
      ),
    )
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        renameByName: { instance: 'Replica', shard: 'Shard', shards: 'Of', Value: 'Orgs polled' },
      },
    })
    .height(6)
    .span(12);
}

function coverage(): StatPanel {
  return new StatPanel()
    .title('Replicas polling each org')
    .description(
      'Exactly 1 for every configured org; 0 = nobody polls it, 2 = polled twice (GenesysOrgShardCoverage).',
    )
    .datasource(PROMETHEUS)
    .withTarget(instant(`genesys:org_pollers:count{${ORG}}`, 'A').legendFormat('{{org}}'))
    .thresholds(
      new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
        { value: null, color: 'red' },
        { value: 1, color: 'green' },
        { value: 2, color: 'orange' },
      ]),
    )
    .colorMode(BigValueColorMode.Background)
    .textMode(BigValueTextMode.ValueAndName)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .height(6)
    .span(12);
}

export function agentHealthDashboard(): Dashboard {
  return new DashboardBuilder('Agent health')
    .uid('genesys-usage-agent-health')
    .description('Health of genesys-usage-agent: sources, collection timing and its own Genesys API calls.')
    .tags(['genesys', 'agent'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(orgVariable())
    .withPanel(scrape())
    .withPanel(sourcesUp())
    .withPanel(buildInfo())
    .withPanel(sinceLastSuccess())
    .withPanel(durations())
    .withPanel(ownCalls())
    .withPanel(own429s())
    .withPanel(gatewayLatency())
    .withPanel(gatewayLoad())
    .withPanel(shards())
    .withPanel(coverage())
    .build();
}
