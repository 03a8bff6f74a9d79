/**
 * Writes the generated dashboards to grafana/dashboards/. Run from the repository root:
 * `npx tsc -p tsconfig.build.json && node dist/scripts/dashboards/generate.js`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DASHBOARD_DIR, renderDashboards } from './index.js';

const root = process.cwd();
await mkdir(join(root, DASHBOARD_DIR), { recursive: true });
for (const [file, text] of await renderDashboards(root)) {
  await writeFile(join(root, DASHBOARD_DIR, file), text);
  console.log(`wrote ${join(DASHBOARD_DIR, file)}`);
}
