/**
 * Secret-bearing settings never show their value in a configuration error, whichever source
 * gave it (variable, `*_FILE`, config-file key) and however it is malformed: the error names
 * the setting and the expected form. The `secret` flag of the settings table decides.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/errors.js';
import { expectPlacesNamedOnce } from '../helpers/config-error.js';
import { envFileName, SETTING_IDS, spec } from '../../src/config/settings.js';

const MARK = 'Zq8sekret';
const dir = mkdtempSync(join(tmpdir(), 'gua-secrets-'));
let n = 0;
const write = (text: string) => {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, text);
  return p;
};

/** Malformed in different ways; each carries MARK where a careless message would quote it. */
const MALFORMED = [
  `Authorization: Bearer ${MARK}`,
  `http://user:${MARK}@collector:99999/`,
  `ftp://user:${MARK}@collector/`,
  `user:${MARK}@collector:4318`,
  `${MARK} with spaces`,
  `${MARK}\u0007bell`,
  `${MARK}\nsecond-line`,
  `a=%zz${MARK}`,
  `bad name=${MARK}`,
  `${'x'.repeat(4100)}${MARK}`,
];

/** The error loadConfig gives, or undefined when it accepts the configuration. */
function errorOf(env: NodeJS.ProcessEnv): string | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expectPlacesNamedOnce((err as Error).message);
    return (err as Error).message;
  }
}

function expectHidden(message: string, name: string) {
  expect(message.startsWith(`${name}: `), message).toBe(true);
  expect(message).not.toContain(MARK);
  expect(message).not.toContain(encodeURIComponent(MARK));
  expect(message).not.toContain(Buffer.from(MARK).toString('base64'));
  expect(message).not.toContain('\n');
}

const SECRET_IDS = SETTING_IDS.filter((id) => spec(id).secret);
const ORG_ENV = { GENESYS_REGION: 'us_east_1', GENESYS_CLIENT_ID: 'x', GENESYS_CLIENT_SECRET: 'y' };
const ORG_FILE = { name: 'a', region: 'us_east_1', clientId: 'x', clientSecret: 'y' };

describe('secret-bearing settings in configuration errors', () => {
  it('the table flags every credential-bearing setting as secret', () => {
    expect(SECRET_IDS.map((id) => spec(id).env).sort()).toEqual(
      [
        'AGENT_AUTH_TOKEN',
        'AGENT_EVENTS_TOKEN',
        'GENESYS_API_BASE_URL',
        'GENESYS_CLIENT_SECRET',
        'GENESYS_LOGIN_BASE_URL',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'OTEL_EXPORTER_OTLP_HEADERS',
        'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
      ].sort(),
    );
  });

  it('OTEL_EXPORTER_OTLP_HEADERS="Authorization: Bearer abc123" names the setting and the form, not the token', () => {
    const message = errorOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization: Bearer abc123',
    })!;
    expect(message).toBe('OTEL_EXPORTER_OTLP_HEADERS: an entry is not key=value; use k=v,k2=v2');
  });

  it('an OTLP endpoint with credentials that is not a URL is named, not shown', () => {
    const message = errorOf({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://admin:${MARK}@collector:99999` })!;
    expect(message).toMatch(/^OTEL_EXPORTER_OTLP_ENDPOINT: the value is not a URL; use e\.g\. http/);
    expectHidden(message, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  it.each(SECRET_IDS)('%s: every malformed value, from each source, is refused without its value', (id) => {
    const s = spec(id);
    let refused = 0;
    // A valid org around the org settings, so that only the value under test can be wrong.
    const envOrg = s.scope === 'org' ? ORG_ENV : {};
    const key = s.file!.replace(/^orgs\[\]\./, '');
    for (const value of MALFORMED) {
      // From the variable.
      const fromEnv = errorOf({ ...envOrg, [s.env!]: value });
      if (fromEnv !== undefined) {
        refused++;
        expectHidden(fromEnv, s.env!);
      }
      // From the config file, under its key (org keys inside one org).
      const doc = s.scope === 'org' ? { orgs: [{ ...ORG_FILE, [key]: value }] } : nested(key, value);
      const file = write(stringify(doc));
      const fromFile = errorOf({ AGENT_CONFIG_FILE: file });
      expect(fromFile === undefined, `${s.file} = ${JSON.stringify(value)}`).toBe(fromEnv === undefined);
      if (fromFile !== undefined)
        expectHidden(fromFile, `${file}: ${s.scope === 'org' ? `orgs[0].${key}` : key}`);
      // From its *_FILE, where it has one (a file's content is trimmed, so compare only what both refuse).
      if (s.viaFile) {
        const fromHeld = errorOf({ ...envOrg, [envFileName(id)]: write(value) });
        if (fromHeld !== undefined) expectHidden(fromHeld, envFileName(id));
      }
    }
    expect(refused, `${s.env} refused too few malformed values`).toBeGreaterThanOrEqual(2);
  });

  it('a credential pasted into a non-secret setting is cut out of the quoted value', () => {
    const message = errorOf({
      GENESYS_REGION: `https://admin:${MARK}@nowhere.invalid`,
      GENESYS_CLIENT_ID: 'x',
      GENESYS_CLIENT_SECRET: 'y',
    })!;
    expect(message).toMatch(/^GENESYS_REGION: unknown region "https:\/\/…@nowhere\.invalid"/);
    expect(message).not.toContain(MARK);
  });
});

function nested(key: string, value: unknown): Record<string, unknown> {
  const parts = key.split('.');
  const doc: Record<string, unknown> = {};
  let node = doc;
  for (const p of parts.slice(0, -1)) node = (node[p] = {}) as Record<string, unknown>;
  node[parts.at(-1)!] = value;
  return doc;
}
