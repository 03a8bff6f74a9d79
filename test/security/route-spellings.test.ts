/**
 * Protection is decided on the route the router matched, never on how the path was spelt: a
 * generated matrix of spellings of every protected route (percent-encoding of each character in
 * either case, fragments, query tricks, absolute-form targets, double and trailing slashes, case,
 * `;` parameters, dot segments), sent over raw sockets to the built agent, never gets its data
 * without credentials; and every spelling of POST /v1/events shares the one rate-limit bucket.
 *
 * @module-tag system
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { rawRequest } from '../helpers/raw-http.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import { freePort, spawnCli, waitFor, type SpawnedAgent } from '../helpers/spawn-agent.js';
import { envelope } from '../helpers/signal-fixtures.js';

const AUTH_TOKEN = 'route-auth-token-Jx72';
const EVENTS_TOKEN = 'route-events-token-Pq19';
const EVENTS_LIMIT = 4;
/** Protected routes and a string only their data contains. */
const PROTECTED: { path: string; marker: string }[] = [
  { path: '/metrics', marker: 'genesys_agent_build_info' },
  { path: '/api/v1/clients', marker: '"orgs"' },
  { path: '/api/v1/events', marker: '"events"' },
];

let sim: RunningSimulator;
let agent: SpawnedAgent;
let port: number;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'steady', port: 0, host: '127.0.0.1' });
  port = await freePort();
  agent = spawnCli(
    [],
    simulatorEnv(sim, {
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: String(port),
      AGENT_AUTH_TOKEN: AUTH_TOKEN,
      AGENT_EVENTS_TOKEN: EVENTS_TOKEN,
      AGENT_EVENTS_RATE_LIMIT: String(EVENTS_LIMIT),
      AGENT_POLL: 'none',
    }),
  );
  await waitFor(
    async () => ((await request(`http://127.0.0.1:${port}/healthz`)).statusCode === 200 ? true : undefined),
    20_000,
    'agent listening',
  );
});

afterAll(async () => {
  await agent?.stop();
  await sim?.close();
});

const pct = (c: string, upper: boolean) => {
  const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${upper ? hex.toUpperCase() : hex}`;
};

/** Every other spelling of `path` we can think of, each tried as is. */
function spellings(path: string): string[] {
  const out = new Set<string>();
  // Each character percent-encoded on its own (lower and upper hex), then all of them.
  for (let i = 1; i < path.length; i++) {
    if (path[i] === '/') continue;
    for (const upper of [false, true]) out.add(path.slice(0, i) + pct(path[i]!, upper) + path.slice(i + 1));
  }
  out.add(
    path
      .split('/')
      .map((seg) => [...seg].map((c) => pct(c, false)).join(''))
      .join('/'),
  );
  const segs = path.split('/').filter(Boolean);
  for (const suffix of ['#x', '#', '?', '?x=1', '?/healthz', '??', '?#', '%3f', '%23x', '%00', '%20', ' '])
    out.add(path + suffix);
  for (const host of ['x', '127.0.0.1', `127.0.0.1:${port}`, 'localhost:1'])
    for (const scheme of ['http', 'HTTP', 'https']) out.add(`${scheme}://${host}${path}`);
  out.add(`//${path.slice(1)}`);
  out.add(`/${segs.join('//')}`);
  out.add(`${path}/`);
  out.add(`${path}//`);
  out.add(path.toUpperCase());
  out.add(path[0] + path[1]!.toUpperCase() + path.slice(2));
  out.add(`${path};x`);
  out.add(`${path};`);
  out.add(`/${segs[0]};x/${segs.slice(1).join('/')}`.replace(/\/$/, ''));
  out.add(`/.${path}`);
  out.add(`/x/..${path}`);
  out.add(`/healthz/..${path}`);
  out.add(`/%2e${path}`);
  out.add(`/%2e%2e${path}`);
  out.add(`/healthz%2f..${path}`);
  out.add(`${path}/.`);
  out.add(path.replaceAll('/', '%2f'));
  out.add(path.replaceAll('/', '\\'));
  out.add(path.replace(/^\//, '/%2F'));
  out.add(`${path}%2f`);
  out.add(`${path}%09`);
  return [...out];
}

const get = (target: string, headers = '') =>
  rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`);

describe('protected routes under other spellings', () => {
  it('the matrix is real: the plain paths and an encoded spelling answer data with the token', async () => {
    for (const { path, marker } of PROTECTED) {
      for (const target of [path, path.replace(/s$/, '%73')]) {
        const ok = await get(target, `Authorization: Bearer ${AUTH_TOKEN}\r\n`);
        expect(ok.status, target).toBe(200);
        expect(ok.body, target).toContain(marker);
      }
    }
  });

  it.each(PROTECTED)(
    'no spelling of $path answers its data without credentials',
    async ({ path, marker }) => {
      const leaks: string[] = [];
      const targets = spellings(path);
      expect(targets.length).toBeGreaterThan(40);
      for (const target of targets) {
        let r;
        try {
          r = await get(target);
        } catch {
          continue; // the server closed without an answer: nothing leaked
        }
        if (r.status < 300 || r.body.includes(marker)) leaks.push(`${target} -> ${r.status}`);
        else expect([400, 401, 404, 505], target).toContain(r.status);
      }
      expect(leaks).toEqual([]);
    },
  );

  it('HEAD and other methods on protected routes need credentials too', async () => {
    for (const method of ['HEAD', 'OPTIONS', 'POST']) {
      const r = await rawRequest(
        port,
        `${method} /%6detrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      expect([401, 404], method).toContain(r.status);
    }
  });
});

describe('the events rate limit under other spellings', () => {
  it('every spelling of POST /v1/events counts in the one bucket', async () => {
    const targets = [
      '/v1/events',
      '/v1/%65vents',
      '/v1/event%73',
      '/%761/events',
      '/v1/events?x=1',
      '/v1/events#f',
      'http://x/v1/events',
      '/v1/%45vents', // a different path (case): 404, never counted as served
    ];
    const statuses: string[] = [];
    for (let i = 0; i < 4 * targets.length; i++) {
      const target = targets[i % targets.length]!;
      const body = JSON.stringify(envelope(`spelling-${i}`));
      const r = await rawRequest(
        port,
        `POST ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${EVENTS_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      statuses.push(`${target} ${r.status}`);
    }
    const served = statuses.filter((s) => s.endsWith(' 200'));
    expect(served.length, statuses.join('\n')).toBe(EVENTS_LIMIT);
    expect(statuses.filter((s) => !/ (200|404|429)$/.test(s))).toEqual([]);
  });
});
