/**
 * An option-looking name in the docs is a setting or a metric: a variable under the agent's
 * prefixes is in the settings table (or a compose file's own variable), a backticked name given a
 * default is a setting, and a `genesys_…` name is a metric of the catalogue.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../src/config/env-schema.js';
import { SETTING_IDS, spec } from '../../src/config/settings.js';
import { METRICS } from '../../src/telemetry/catalogue.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const DOCS = [
  'README.md',
  ...readdirSync(new URL('docs/', root))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const compose = ['docker-compose.yml', 'docker-compose.demo.yml'].map(read).join('\n');

/** Names that take "(default …)" in the docs without being the agent's settings, and why. */
const NOT_SETTINGS: Record<string, string> = {
  clock: "the simulator's injected clock (a function option)",
  demo: 'a built-in scenario name',
  prometheus: "a Collector pipeline's name",
  'client.credentials.token.rate.per.minute': 'a Genesys limit key',
};

/** Every file key of the table: full path (`gateway.port`), and as written under an org (`clientId`). */
const FILE_KEYS = new Set(
  SETTING_IDS.flatMap((id) => {
    const key = spec(id).file;
    if (key === null) return [];
    const file = spec(id).viaFile ? [`${key}File`] : [];
    return [key, ...file].flatMap((k) => [k, k.replace(/^orgs\[\]\./, '')]);
  }),
);

const hits = (re: RegExp) =>
  DOCS.flatMap((doc) => [...read(doc).matchAll(re)].map((m) => ({ doc, name: m[1]! })));

describe('option-looking names in the docs', () => {
  it('AGENT_*, GENESYS_* and OTEL_* names are settings (or variables the compose files interpolate)', () => {
    const wrong = hits(/\b((?:AGENT|GENESYS|OTEL)_[A-Z0-9_]*\*?)/g).filter(({ doc, name }) => {
      if (name.endsWith('*')) return ![...ENV_VARIABLES.keys()].some((v) => v.startsWith(name.slice(0, -1)));
      // A quoted warning about a misspelt variable names the misspelling on purpose.
      const quotedMistake = read(doc).includes(`${name}: not a setting`);
      return !ENV_VARIABLES.has(name) && !compose.includes(`\${${name}`) && !quotedMistake;
    });
    expect(wrong).toEqual([]);
  });

  it('a backticked name given a default, or called optional, is a setting (env variable or file key)', () => {
    const wrong = [
      ...hits(/`([A-Za-z][\w.[\]]*)`\s+\(default/g),
      ...hits(/\bOptional\s+`([A-Za-z][\w.[\]]*)`/g),
    ].filter(({ name }) => !ENV_VARIABLES.has(name) && !FILE_KEYS.has(name) && !(name in NOT_SETTINGS));
    expect(wrong).toEqual([]);
  });

  it('genesys_* names are metrics of the catalogue', () => {
    const names = new Set(METRICS.map((m) => m.prometheusName));
    const wrong = hits(/\b(genesys_[a-z0-9_]+)/g).filter(
      ({ name }) =>
        !names.has(name) &&
        !names.has(name.replace(/_(bucket|sum|count)$/, '')) &&
        // Docker secret names in the compose file, not metrics.
        !compose.includes(name),
    );
    expect(wrong).toEqual([]);
  });
});
