/** Writes docs/metrics.md from the metric catalogue. Run from the repository root: `npm run docs`. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { METRICS_DOC, renderMetricsDoc } from './metrics.js';

const root = process.cwd();
await writeFile(join(root, METRICS_DOC), await renderMetricsDoc(root));
console.log(`wrote ${METRICS_DOC}`);
