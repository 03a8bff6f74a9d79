/**
 * Writes every generated deployment file: runbook links (scripts/runbooks.ts), then
 * deploy/kubernetes/ (whose PrometheusRule reads the rule files), the Grafana dashboards and
 * docs/metrics.md (from the metric catalogue), and the Genesys path catalogue (from the pinned SDK).
 * Run from the repository root: `npm run generate`.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ENDPOINT_CATALOGUE, renderEndpointCatalogue } from './endpoints.js';
import { DASHBOARD_DIR, renderDashboards } from './dashboards/index.js';
import { METRICS_DOC, renderMetricsDoc } from './docs/metrics.js';
import { KUBERNETES_DIR, renderKubernetes } from './kubernetes/index.js';
import { RUNBOOK_DIRS, withRunbookBase } from './runbooks.js';

const root = process.cwd();

async function write(relative: string, text: string): Promise<void> {
  const path = join(root, relative);
  await mkdir(dirname(path), { recursive: true });
  const before = await readFile(path, 'utf8').catch(() => null);
  if (before === text) return;
  await writeFile(path, text);
  console.log(`wrote ${relative}`);
}

for (const dir of RUNBOOK_DIRS) {
  for (const file of (await readdir(join(root, dir))).filter((f) => /\.ya?ml$/.test(f))) {
    const relative = join(dir, file);
    await write(relative, withRunbookBase(await readFile(join(root, relative), 'utf8')));
  }
}
for (const [file, text] of await renderKubernetes(root)) await write(join(KUBERNETES_DIR, file), text);
for (const [file, text] of await renderDashboards(root)) await write(join(DASHBOARD_DIR, file), text);
await write(METRICS_DOC, await renderMetricsDoc(root));
await write(ENDPOINT_CATALOGUE, await renderEndpointCatalogue(root));
