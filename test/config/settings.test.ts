/**
 * The settings table: every setting can be given in the environment and in the config file, and
 * one precedence rule (environment > file > default) holds for every one of them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig, readSettings, type AgentConfig } from '../../src/config/config.js';
import {
  envFileName,
  fileFileKey,
  SETTING_IDS,
  spec,
  type AgentSettingId,
  type SettingId,
} from '../../src/config/settings.js';

const dir = mkdtempSync(join(tmpdir(), 'gua-settings-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** One value in the environment's form, one in the file's (YAML-native) form, and what each parses to. */
interface Sample {
  env: string;
  envValue: unknown;
  file: unknown;
  fileValue: unknown;
}
const same = (env: string, file: unknown, value: (v: unknown) => unknown = (v) => v): Sample => ({
  env,
  envValue: value(env),
  file,
  fileValue: value(file),
});

// Every agent-wide setting with a file key; a new setting in the table must add its pair here.
const SAMPLES: Record<Exclude<AgentSettingId, 'configFile'>, Sample> = {
  host: same('127.0.0.1', 'localhost'),
  port: { env: '9001', envValue: 9001, file: 9002, fileValue: 9002 },
  writeTimeout: { env: '10s', envValue: 10_000, file: '2m', fileValue: 120_000 },
  maxConcurrentScrapes: { env: '2', envValue: 2, file: 8, fileValue: 8 },
  usageInterval: { env: '5m', envValue: 300_000, file: 90, fileValue: 90_000 },
  usageTopEndpoints: { env: '0', envValue: 0, file: 20, fileValue: 20 }, // 0: endpoints off
  ratelimitsInterval: { env: '30s', envValue: 30_000, file: '2m', fileValue: 120_000 },
  poll: {
    env: 'usage',
    envValue: { usage: true, ratelimits: false },
    file: ['ratelimits'],
    fileValue: { usage: false, ratelimits: true },
  },
  shard: { env: '1/3', envValue: { index: 1, total: 3 }, file: '0/2', fileValue: { index: 0, total: 2 } },
  shardTotal: { env: '3', envValue: 3, file: 4, fileValue: 4 },
  podName: same('agent-1', 'agent-2'),
  callBudget: { env: '30', envValue: 30, file: 40, fileValue: 40 },
  gatewayPort: { env: '8080', envValue: 8080, file: 8081, fileValue: 8081 },
  gatewayHost: same('127.0.0.1', '::1'),
  // The default is off: the file sets the other value so file and default differ.
  gatewayShaping: same('off', 'smooth'),
  gatewayMaxConcurrentPerAddress: { env: '10', envValue: 10, file: 20, fileValue: 20 },
  tokenLookupsPerMinute: { env: '5', envValue: 5, file: 6, fileValue: 6 },
  maxClients: { env: '100', envValue: 100, file: 200, fileValue: 200 },
  maxEndpoints: { env: '0', envValue: 0, file: 400, fileValue: 400 }, // 0: endpoints off
  eventsToken: same('events-env', 'events-file'),
  eventsRateLimit: { env: '100', envValue: 100, file: 200, fileValue: 200 },
  authToken: same('auth-env', 'auth-file'),
  authBasicFile: same('/env/users', '/file/users'),
  tlsCertFile: same('/env/cert.pem', '/file/cert.pem'),
  tlsKeyFile: same('/env/key.pem', '/file/key.pem'),
  demoScenario: same('steady', 'burst'),
  logLevel: { env: 'DEBUG', envValue: 'debug', file: 'warn', fileValue: 'warn' },
  otlpEndpoint: {
    env: 'http://a:4318',
    envValue: 'http://a:4318',
    file: 'http://b:4318/',
    fileValue: 'http://b:4318',
  },
  otlpMetricsEndpoint: same('http://a:4318/m', 'http://b:4318/m'),
  otlpHeaders: {
    env: 'a=1,b=x%3Dy',
    envValue: { a: '1', b: 'x=y' },
    file: { c: '3' },
    fileValue: { c: '3' },
  },
  otlpInterval: { env: '5000', envValue: 5000, file: 7000, fileValue: 7000 },
  serviceName: same('svc-env', 'svc-file'),
  resourceAttributes: { env: 'k=v', envValue: { k: 'v' }, file: { k: 'w' }, fileValue: { k: 'w' } },
};
const AGENT_IDS = Object.keys(SAMPLES) as (keyof typeof SAMPLES)[];

/** A YAML document setting `key` (dotted, as the table writes it) to `value`. */
function fileWith(entries: [string, unknown][]): string {
  const doc: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const parts = key.split('.');
    let node = doc;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = value;
  }
  return write(`f-${Math.random().toString(36).slice(2)}.yaml`, stringify(doc));
}

describe('the settings table', () => {
  it('declares every setting with a doc line, a shown default, and a file key (all but AGENT_CONFIG_FILE)', () => {
    for (const id of SETTING_IDS) {
      const s = spec(id);
      expect(s.doc, id).not.toBe('');
      expect(s.shownDefault, id).not.toBe('');
      if (id !== 'configFile') expect(s.file, id).not.toBeNull();
    }
    const agentIds = SETTING_IDS.filter((id) => spec(id).scope === 'agent' && id !== 'configFile');
    expect(agentIds.sort()).toEqual([...AGENT_IDS].sort());
  });

  it('a config file can hold every agent-wide setting', () => {
    const path = fileWith(AGENT_IDS.map((id) => [spec(id).file!, SAMPLES[id].file]));
    const { settings } = readSettings({ AGENT_CONFIG_FILE: path });
    for (const id of AGENT_IDS) expect(settings.values[id], id).toEqual(SAMPLES[id].fileValue);
  });

  it.each(AGENT_IDS)('%s: environment > file > default', (id) => {
    const s = spec(id);
    const sample = SAMPLES[id];
    const path = fileWith([[s.file!, sample.file]]);
    const value = (env: NodeJS.ProcessEnv) => readSettings(env).settings.values[id];
    expect(value({})).toEqual(s.default);
    expect(value({ AGENT_CONFIG_FILE: path })).toEqual(sample.fileValue);
    expect(value({ AGENT_CONFIG_FILE: path, [s.env!]: sample.env })).toEqual(sample.envValue);
    expect(value({ [s.env!]: sample.env })).toEqual(sample.envValue);
  });

  const viaFile = SETTING_IDS.filter((id) => spec(id).viaFile && spec(id).scope === 'agent');
  it.each(viaFile)('%s: a *_FILE wins over its value, in the environment and in the file', (id) => {
    const s = spec(id);
    const held = write(`${id}-held`, 'from-a-file\n');
    const value = (env: NodeJS.ProcessEnv) =>
      readSettings(env).settings.values[id as SettingId & AgentSettingId];
    expect(value({ [s.env!]: 'plain', [envFileName(id)]: held })).toBe('from-a-file');
    const path = fileWith([
      [s.file!, 'plain'],
      [fileFileKey(id), held],
    ]);
    expect(value({ AGENT_CONFIG_FILE: path })).toBe('from-a-file');
    expect(value({ AGENT_CONFIG_FILE: path, [s.env!]: 'env-wins' })).toBe('env-wins');
  });

  it('the gateway address: AGENT_GATEWAY_HOST beats the file, and without either it is the agent address', () => {
    const path = fileWith([
      ['gateway.port', 0],
      ['gateway.host', '0.0.0.0'],
    ]);
    expect(loadConfig({ AGENT_CONFIG_FILE: path }).gateway?.host).toBe('0.0.0.0');
    expect(loadConfig({ AGENT_CONFIG_FILE: path, AGENT_GATEWAY_HOST: '127.0.0.1' }).gateway?.host).toBe(
      '127.0.0.1',
    );
    const portOnly = fileWith([['gateway.port', 0]]);
    expect(loadConfig({ AGENT_CONFIG_FILE: portOnly, AGENT_HOST: '127.0.0.1' }).gateway?.host).toBe(
      '127.0.0.1',
    );
  });

  it('a config file holding TLS, auth, OTLP and the events limit gives the same configuration as the environment', () => {
    const users = write('users', 'prom:pw\n');
    const env = {
      AGENT_AUTH_TOKEN: 'tok',
      AGENT_AUTH_BASIC_FILE: users,
      AGENT_EVENTS_RATE_LIMIT: '50',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k1',
      OTEL_METRIC_EXPORT_INTERVAL: '10000',
      AGENT_POLL: 'none',
      AGENT_GATEWAY_PORT: '8080',
      AGENT_GATEWAY_SHAPING: 'smooth',
    };
    const path = fileWith([
      ['auth.token', 'tok'],
      ['auth.basicFile', users],
      ['eventsRateLimitPerMinute', 50],
      ['otlp.endpoint', 'http://collector:4318'],
      ['otlp.headers', { 'x-api-key': 'k1' }],
      ['otlp.intervalMs', 10_000],
      ['poll', 'none'],
      ['gateway.port', 8080],
      ['gateway.shaping', 'smooth'],
    ]);
    expect(loadConfig({ AGENT_CONFIG_FILE: path })).toEqual(loadConfig(env));
  });

  it('org settings: each orgs[] key works in the file, and GENESYS_* beside orgs is refused naming the variable', () => {
    const path = fileWith([
      [
        'orgs',
        [
          {
            name: 'eu',
            region: 'eu_west_1',
            clientId: 'a',
            clientSecretFile: write('eu-secret', 'sa\n'),
            callBudgetPerMinute: 25,
            limits: { perClient: { c1: 500 } },
          },
          {
            apiBaseUrl: 'http://127.0.0.1:1/',
            loginBaseUrl: 'http://127.0.0.1:2',
            clientId: 'b',
            clientSecret: 'sb',
          },
        ],
      ],
      ['callBudgetPerMinute', 70],
    ]);
    const c = loadConfig({ AGENT_CONFIG_FILE: path });
    expect(c.orgs).toEqual([
      {
        name: 'eu',
        apiBaseUrl: 'https://api.mypurecloud.ie',
        loginBaseUrl: 'https://login.mypurecloud.ie',
        clientId: 'a',
        clientSecret: 'sa',
        callBudgetPerMinute: 25,
        limitOverrides: { c1: 500 },
      },
      {
        name: 'default',
        apiBaseUrl: 'http://127.0.0.1:1',
        loginBaseUrl: 'http://127.0.0.1:2',
        clientId: 'b',
        clientSecret: 'sb',
        callBudgetPerMinute: 70,
        limitOverrides: {},
      },
    ]);
    expect(() => loadConfig({ AGENT_CONFIG_FILE: path, GENESYS_REGION: 'us_east_1' })).toThrow(
      /^GENESYS_REGION: set either the GENESYS_\* variables or orgs in .*, not both$/,
    );
  });

  it('AgentConfig has no optional fields: absent is null, never also undefined', () => {
    type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];
    expectTypeOf<OptionalKeys<AgentConfig>>().toEqualTypeOf<never>();
    const c = loadConfig({});
    for (const [key, value] of Object.entries(c)) expect(value, key).not.toBeUndefined();
    expect(c.auth).toBeNull();
    expect(c.tls).toBeNull();
    expect(c.eventsRateLimitPerMinute).toBe(600);
  });
});
