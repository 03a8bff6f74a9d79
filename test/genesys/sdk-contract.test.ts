/**
 * Contract with the official SDK (purecloud-platform-client-v2, generated from Genesys' OpenAPI
 * spec): every call the agent makes — the endpoint templates declared in src/genesys, and the
 * requests it really sends to the simulator — uses a method and path an SDK API class calls, and
 * only query parameters that SDK method sends. Request bodies are checked by `tsc` (they are typed
 * with `satisfies Models.*`); this test covers what types cannot: paths and query strings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenesysClient } from '../../src/genesys/client.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { FakeClock } from '../helpers/clock.js';

const SDK = join(
  import.meta.dirname,
  '../../node_modules/purecloud-platform-client-v2/src/purecloud-platform-client-v2',
);
const SRC = join(import.meta.dirname, '../../src/genesys');
const DIST = join(import.meta.dirname, '../../dist/src');
/** `import … from 'sdk'`, `import('sdk')`, `require('sdk')` (comments naming the package are fine). */
const LOADS_SDK = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]purecloud-platform-client-v2['"/]/;

/** Path parameters in either spelling (`{jobId}` in the SDK, `:jobId` in Fastify) become `{}`. */
const template = (path: string) => path.replace(/\{[^}]+\}|:[A-Za-z]+/g, '{}');

/** `METHOD template` → query parameter names, read from every generated API class. */
function sdkCalls(): Map<string, Set<string>> {
  const calls = new Map<string, Set<string>>();
  const callApi = /callApi\(\s*'([^']+)',\s*'([A-Z]+)',\s*\{[^}]*\},\s*\{([^}]*)\}/g;
  for (const file of readdirSync(join(SDK, 'api')).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(SDK, 'api', file), 'utf8');
    for (const m of text.matchAll(callApi)) {
      const key = `${m[2]} ${template(m[1]!)}`;
      const names = calls.get(key) ?? new Set<string>();
      for (const q of m[3]!.matchAll(/'([^']+)'\s*:/g)) names.add(q[1]!);
      calls.set(key, names);
    }
  }
  return calls;
}

/** The SDK's client-credentials login, read from its ApiClient. */
function sdkLogin(): string | undefined {
  const text = readFileSync(join(SDK, 'ApiClient.js'), 'utf8');
  return /`\$\{loginBasePath\}(\/oauth\/token)`,\s*`POST`[^\n]*grant_type=client_credentials/.test(text)
    ? 'POST /oauth/token'
    : undefined;
}

/** Every endpoint template src/genesys declares (`'GET /api/v2/…'`), the ones it sends included. */
function agentEndpoints(): Set<string> {
  const out = new Set<string>();
  for (const file of readdirSync(SRC).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join(SRC, file), 'utf8').matchAll(/'((?:GET|POST) \/[^' ]+)'/g))
      out.add(`${m[1]!.split(' ')[0]} ${template(m[1]!.split(' ')[1]!)}`);
  }
  return out;
}

const sdk = sdkCalls();
const clock = new FakeClock(Date.UTC(2026, 0, 15, 12, 0, 0));
let sim: RunningSimulator;
let api: GenesysClient;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'runaway', clock });
  api = new GenesysClient({
    org: 'contract',
    apiBaseUrl: sim.url,
    loginBaseUrl: sim.url,
    clientId: 'simulator-agent',
    clientSecret: 'simulator-secret',
    clock,
    sleep: async (ms) => clock.advance(ms),
  });
});
afterAll(async () => {
  await api?.close();
  await sim?.close();
});

describe('the agent speaks the SDK’s API', () => {
  it('reads the SDK (sanity: the parser finds the calls it should)', () => {
    expect(sdk.size).toBeGreaterThan(1000);
    expect(sdk.get('GET /api/v2/usage/aggregates/query/jobs/{}')).toEqual(new Set(['pageSize', 'after']));
    expect(sdkLogin()).toBe('POST /oauth/token');
  });

  it('every endpoint template in src/genesys is a call of the SDK', () => {
    const endpoints = agentEndpoints();
    expect(endpoints.size).toBeGreaterThanOrEqual(10);
    const unknown = [...endpoints].filter((e) => !sdk.has(e) && e !== sdkLogin());
    expect(unknown).toEqual([]);
  });

  it('every request the agent sends uses the SDK’s method, path and query parameter names', async () => {
    const day = '2026-01-10T00:00:00Z/2026-01-14T23:59:59.999Z';
    const recent = '2026-01-15T11:50:00.000Z/2026-01-15T12:00:00.000Z';
    // Every GenesysApi method, as the sources call them.
    await api.queryUsageAggregates({ interval: day });
    await api.queryUsageLegacy({ interval: day });
    await api.listOAuthClients();
    await api.getLimits('platform.api');
    await api.queryRateLimitAggregates({ interval: recent, granularity: 'PT1M' });
    await api.listEventDefinitions();
    await api.queryOperationalEvents({ interval: recent });
    await api.getTokenInfo(await loginAs('simulator-agent', 'simulator-secret')); // as the gateway does

    const { requests } = (await (await fetch(`${sim.url}/__sim/requests`)).json()) as {
      requests: { method: string; route: string; query: Record<string, string> }[];
    };
    const endpoints = agentEndpoints();
    const sent = new Set<string>();
    const problems: string[] = [];
    for (const r of requests) {
      const key = `${r.method} ${template(r.route)}`;
      sent.add(key);
      if (!endpoints.has(key)) problems.push(`${key}: not an endpoint src/genesys declares`);
      const allowed = key === sdkLogin() ? new Set<string>() : sdk.get(key);
      if (!allowed) {
        problems.push(`${key}: no SDK method calls it`);
        continue;
      }
      for (const q of Object.keys(r.query))
        if (!allowed.has(q)) problems.push(`${key}: query parameter "${q}" is not one the SDK sends`);
    }
    expect(problems).toEqual([]);
    // Every declared endpoint was exercised, so the list above is the whole surface.
    expect([...endpoints].filter((e) => !sent.has(e))).toEqual([]);
  });
});

describe('the SDK stays a type-level dependency', () => {
  it(
    'no built file of src/ requires or imports it (it is a devDependency, pinned)',
    { tags: ['system'] },
    () => {
      if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
      const files = (readdirSync(DIST, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
      expect(files.length).toBeGreaterThan(50);
      const offenders = files.filter((f) => LOADS_SDK.test(readFileSync(join(DIST, f), 'utf8')));
      expect(offenders).toEqual([]);
      const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
        devDependencies: Record<string, string>;
      };
      expect(pkg.dependencies['purecloud-platform-client-v2']).toBeUndefined();
      expect(pkg.devDependencies['purecloud-platform-client-v2']).toMatch(/^\d+\.\d+\.\d+$/);
    },
  );
});

describe('identity look-ups keep the idle timeout of the token they look at', () => {
  it('GET /api/v2/tokens/me is sent with preserveIdleTTL=true (as the simulator recorded it)', async () => {
    await api.getTokenInfo(await loginAs('simulator-agent', 'simulator-secret'));
    const { requests } = (await (await fetch(`${sim.url}/__sim/requests`)).json()) as {
      requests: { method: string; route: string; query: Record<string, string> }[];
    };
    const lookups = requests.filter((r) => r.route === '/api/v2/tokens/me');
    expect(lookups.length).toBeGreaterThan(0);
    for (const r of lookups) expect(r.query).toEqual({ preserveIdleTTL: 'true' });
  });
});

async function loginAs(id: string, secret: string): Promise<string> {
  const res = await fetch(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
