import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';

let cached: string | undefined;

/** The agent's version from its package.json, the nearest above this file (in src/ or dist/src/). */
export function agentVersion(): string {
  if (cached === undefined) {
    const path = findPackageJSON(import.meta.url);
    cached = (path && (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version) || '0.0.0';
  }
  return cached;
}
