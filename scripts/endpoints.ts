/**
 * src/genesys/endpoints/catalogue.json: every (path template, methods) the pinned SDK
 * `purecloud-platform-client-v2` calls, read from its generated API classes
 * (`this.apiClient.callApi('/api/v2/…', 'GET', …)`), never typed by hand.
 * `npm run generate` writes it; test/genesys/endpoints.test.ts fails when it drifts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const ENDPOINT_CATALOGUE = 'src/genesys/endpoints/catalogue.json';
const SDK = 'node_modules/purecloud-platform-client-v2';
const API_DIR = join(SDK, 'src/purecloud-platform-client-v2/api');
const CALL = /callApi\(\s*'([^']+)',\s*'([A-Z]+)'/g;

/** The catalogue's JSON: `{ sdk, paths: { template: methods } }`, sorted, one line. */
export async function renderEndpointCatalogue(root: string): Promise<string> {
  const { version } = JSON.parse(await readFile(join(root, SDK, 'package.json'), 'utf8')) as {
    version: string;
  };
  const paths = new Map<string, Set<string>>();
  const files = (await readdir(join(root, API_DIR))).filter((f) => f.endsWith('.js')).sort();
  for (const file of files) {
    for (const [, path, method] of (await readFile(join(root, API_DIR, file), 'utf8')).matchAll(CALL)) {
      if (!path || !method) continue;
      if (!paths.has(path)) paths.set(path, new Set());
      paths.get(path)!.add(method);
    }
  }
  if (paths.size < 1000)
    throw new Error(`only ${paths.size} paths found in ${API_DIR}: has the SDK changed shape?`);
  const sorted = [...paths.keys()].sort().map((p) => [p, [...paths.get(p)!].sort()] as const);
  return `${JSON.stringify({ sdk: version, paths: Object.fromEntries(sorted) })}\n`;
}
