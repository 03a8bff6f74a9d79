/**
 * Every generated dashboard, rendered to the exact text committed under grafana/dashboards/. The
 * generator writes these; the drift test compares them with the committed files. The text is
 * formatted with the repository's Prettier settings so `npm run format` leaves it unchanged.
 */
import { format, resolveConfig } from 'prettier';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { agentHealthDashboard } from './agent-health.js';
import { consumptionDashboard } from './consumption.js';

/** Where the rendered files live, relative to the repository root. */
export const DASHBOARD_DIR = 'grafana/dashboards';

/** Stable panel ids (Grafana uses them in links and "view panel" URLs). */
function numberPanels(dashboard: Dashboard): Dashboard {
  dashboard.panels?.forEach((panel, i) => {
    panel.id = i + 1;
  });
  return dashboard;
}

function buildDashboards(): Map<string, Dashboard> {
  return new Map([
    ['genesys-api-consumption.json', numberPanels(consumptionDashboard())],
    ['agent-health.json', numberPanels(agentHealthDashboard())],
  ]);
}

/** File name → file text. `repoRoot` locates the Prettier configuration. */
export async function renderDashboards(repoRoot: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [file, dashboard] of buildDashboards()) {
    const path = `${repoRoot}/${DASHBOARD_DIR}/${file}`;
    const options = (await resolveConfig(path)) ?? {};
    files.set(file, await format(JSON.stringify(dashboard), { ...options, filepath: path }));
  }
  return files;
}
