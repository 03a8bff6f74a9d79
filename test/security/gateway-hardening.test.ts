/**
 * The built agent's gateway under the attacks of issue 16, over real sockets: login client-id
 * spoofing and the clients cap, slow request bodies (logins and API calls), a flood of unknown
 * tokens, a decompression bomb in the token answer, `Expect: 100-continue`, and encoded traversal.
 * The login host is a small proxy in front of the simulator that can answer with a bomb.
 *
 * @module-tag system
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  createBrotliCompress,
  gunzipSync,
  gzipSync,
} from 'node:zlib';
import { Client, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { openSocket, rawRequest } from '../helpers/raw-http.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import { freePort, spawnCli, waitFor, type SpawnedAgent } from '../helpers/spawn-agent.js';

const WFM = { id: '7b2f1d63-2a1c-4e9f-8d4b-1c2e3f4a5b01', secret: 'wfm-secret' };
const ETL = { id: '7b2f1d63-2a1c-4e9f-8d4b-1c2e3f4a5b02', secret: 'etl-secret' };
const BOMB_CLIENT = 'bomb-client';
const BOMB_BYTES = 256 * 1024 * 1024;
const LOOKUPS_PER_MINUTE = 10;
const MAX_CLIENTS = 3;
/** Callers other than the test's own 127.0.0.1 (Linux routes all of 127/8 to loopback). */
const ATTACKER = '127.0.0.2';
const FLOODER = '127.0.0.3';

let sim: RunningSimulator;
let login: Server;
let bomb: Buffer;
let agent: SpawnedAgent;
let agentUrl: string;
let gatewayUrl: string;
let gatewayPort: number;

const basic = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString('base64');
const FORM = 'application/x-www-form-urlencoded';

async function brotliBomb(bytes: number): Promise<Buffer> {
  const c = createBrotliCompress({
    params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_LGWIN]: 24 },
  });
  const out: Buffer[] = [];
  c.on('data', (d: Buffer) => out.push(d));
  const ended = new Promise((r) => c.on('end', r));
  const chunk = Buffer.alloc(16 * 1024 * 1024, 0x61);
  for (let n = 0; n < bytes; n += chunk.length)
    if (!c.write(chunk)) await new Promise((r) => c.once('drain', r));
  c.end();
  await ended;
  return Buffer.concat(out);
}

/**
 * The login host: the simulator's token endpoint, except for BOMB_CLIENT, which gets the bomb. Like
 * many OAuth servers it also takes the credentials in the form (client_secret_post, RFC 6749
 * §2.3.1) when no Authorization header comes, and compresses its answer when asked to.
 */
async function startLoginHost(simUrl: string): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const auth = req.headers.authorization ?? '';
      const who = Buffer.from(auth.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
      if (who.startsWith(`${BOMB_CLIENT}:`)) {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-encoding': 'br',
          'content-length': bomb.length,
        });
        res.end(bomb);
        return;
      }
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const [id, secret] = [form.get('client_id'), form.get('client_secret')];
      const authorization =
        req.headers.authorization ?? (id && secret !== null ? `Basic ${basic(id, secret)}` : undefined);
      request(`${simUrl}${req.url ?? '/'}`, {
        method: 'POST',
        headers: {
          ...(authorization === undefined ? {} : { authorization }),
          'content-type': req.headers['content-type'] ?? FORM,
        },
        body: Buffer.concat(chunks),
      })
        .then(async (r) => {
          let body = Buffer.from(await r.body.arrayBuffer());
          const accept = req.headers['accept-encoding'] ?? '';
          const encoding = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null;
          if (encoding) body = encoding === 'br' ? brotliCompressSync(body) : gzipSync(body);
          res.writeHead(r.statusCode, {
            'content-type': 'application/json',
            'content-length': body.length,
            ...(encoding ? { 'content-encoding': encoding } : {}),
          });
          res.end(body);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

async function gatewayLogin(
  authorization: string,
  form = 'grant_type=client_credentials',
): Promise<{ status: number; token?: string }> {
  const r = await request(`${gatewayUrl}/oauth/token`, {
    method: 'POST',
    headers: { authorization, 'content-type': FORM },
    body: form,
  });
  const text = await r.body.text();
  return r.statusCode === 200
    ? { status: 200, token: (JSON.parse(text) as { access_token: string }).access_token }
    : { status: r.statusCode };
}

async function metrics(): Promise<string> {
  return (await request(`${agentUrl}/metrics`)).body.text();
}

function clientIds(text: string): Set<string> {
  const ids = new Set<string>();
  for (const m of text.matchAll(/^genesys_gateway_requests_total\{[^}]*client_id="([^"]*)"/gm))
    ids.add(m[1]!);
  return ids;
}

async function simCalls(route: string): Promise<number> {
  const report = (await (await fetch(`${sim.url}/__sim/calls`)).json()) as {
    byRoute: { route: string; count: number }[];
  };
  return report.byRoute.filter((r) => r.route === route).reduce((a, r) => a + r.count, 0);
}

function peakRssBytes(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

beforeAll(async () => {
  [sim, bomb] = await Promise.all([
    startSimulator({ scenario: 'steady', port: 0, host: '127.0.0.1' }),
    brotliBomb(BOMB_BYTES),
  ]);
  login = await startLoginHost(sim.url);
  const [port, gw] = [await freePort(), await freePort()];
  agentUrl = `http://127.0.0.1:${port}`;
  gatewayPort = gw;
  gatewayUrl = `http://127.0.0.1:${gw}`;
  agent = spawnCli(
    [],
    simulatorEnv(sim, {
      GENESYS_LOGIN_BASE_URL: `http://127.0.0.1:${(login.address() as AddressInfo).port}`,
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: String(port),
      AGENT_GATEWAY_PORT: String(gw),
      AGENT_POLL: 'ratelimits',
      AGENT_RATELIMITS_INTERVAL: '5s',
      AGENT_TOKEN_LOOKUPS_PER_MINUTE: String(LOOKUPS_PER_MINUTE),
      AGENT_MAX_CLIENTS: String(MAX_CLIENTS),
      AGENT_LOG_LEVEL: 'debug',
    }),
  );
  await waitFor(
    async () => ((await request(`${agentUrl}/readyz`)).statusCode === 200 ? true : undefined),
    30_000,
    'agent ready',
  );
}, 60_000);

afterAll(async () => {
  await agent?.stop();
  await new Promise((r) => login?.close(r));
  await sim?.close();
});

describe('login identity comes from the credential used', () => {
  it('a Basic header the host accepts with spaces inside is decoded as the host does; the form client_id is ignored', async () => {
    const encoded = basic(WFM.id, WFM.secret);
    const spaced = `Basic ${encoded.slice(0, 8)} ${encoded.slice(8, 20)}  ${encoded.slice(20)}`;
    for (let i = 0; i < 30; i++) {
      const got = await gatewayLogin(spaced, `grant_type=client_credentials&client_id=victim-${i}`);
      expect(got.status).toBe(200);
      const call = await request(`${gatewayUrl}/api/v2/users/me`, {
        headers: { authorization: `Bearer ${got.token!}` },
      });
      expect(call.statusCode).toBe(200);
      await call.body.dump();
    }
    const ids = clientIds(await metrics());
    expect(ids.has(WFM.id)).toBe(true);
    expect([...ids].filter((id) => id.startsWith('victim-'))).toEqual([]);
  });
});

/** Requests a client counted under `clientId` made, with a status class. */
function countOf(text: string, clientId: string, statusClass: string): number {
  let n = 0;
  for (const m of text.matchAll(/^genesys_gateway_requests_total\{([^}]*)\} (\d+)/gm))
    if (m[1]!.includes(`client_id="${clientId}"`) && m[1]!.includes(`status_class="${statusClass}"`))
      n += Number(m[2]);
  return n;
}

/** A request as raw header lines (ones no HTTP client sends as written), over its own connection. */
function raw(method: string, path: string, lines: string[], body = '') {
  const head = [`${method} ${path} HTTP/1.1`, 'Host: x', ...lines];
  if (body) head.push(`Content-Type: ${FORM}`, `Content-Length: ${Buffer.byteLength(body)}`);
  return rawRequest(gatewayPort, `${head.join('\r\n')}\r\n\r\n${body}`);
}

describe('identity comes only from the credential the upstream receives', () => {
  /** Header lines under which the gateway forwards no Authorization (each its own spelling). */
  const stripping = (auth: string): string[][] => [
    [`Authorization: ${auth}`, 'Connection: close, authorization'], // the issue's attack
    [`Authorization: ${auth}`, 'Connection: Authorization'],
    ['Connection: keep-alive', `Authorization: ${auth}`, 'Connection: authorization'],
    [`Authorization: ${auth}`, 'Connection: keep-alive , AUTHORIZATION'],
    [`Authorization: ${auth}`, `Authorization: ${auth}`, 'Connection: x-a,\taUtHoRiZaTiOn ,'],
  ];

  it('a login whose Authorization is stripped is counted by the form credentials the login host took', async () => {
    const form = `grant_type=client_credentials&client_id=${WFM.id}&client_secret=${WFM.secret}`;
    const before = await metrics();
    const lookups = await simCalls('/api/v2/tokens/me');
    const spellings = stripping(`Basic ${basic('framed-client', 'x')}`);
    spellings.push([`Proxy-Authorization: Basic ${basic('framed-client', 'x')}`]);
    for (const lines of spellings) {
      const got = await raw('POST', '/oauth/token', lines, form);
      expect(got.status, lines.join(' | ')).toBe(200);
      const { access_token: token } = JSON.parse(got.body) as { access_token: string };
      const call = await raw('GET', '/api/v2/users/me', [`Authorization: Bearer ${token}`]);
      expect(call.status).toBe(200);
    }
    const after = await metrics();
    // Learnt from the logins themselves: no token needed a look-up.
    expect(countOf(after, WFM.id, '2xx') - countOf(before, WFM.id, '2xx')).toBe(spellings.length);
    expect(await simCalls('/api/v2/tokens/me')).toBe(lookups);
    expect(clientIds(after).has('framed-client')).toBe(false);
  });

  it("an API call whose bearer is stripped is not counted under the token's client", async () => {
    const { token } = await gatewayLogin(`Basic ${basic(WFM.id, WFM.secret)}`);
    const before = await metrics();
    const spellings = stripping(`Bearer ${token!}`);
    for (const lines of spellings) {
      const call = await raw('GET', '/api/v2/users/me', lines);
      expect(call.status, lines.join(' | ')).toBe(401); // the simulator got no credential
    }
    const after = await metrics();
    expect(countOf(after, WFM.id, '4xx')).toBe(countOf(before, WFM.id, '4xx'));
    expect(countOf(after, 'unknown', '4xx') - countOf(before, 'unknown', '4xx')).toBe(spellings.length);
  });
});

describe('a compressed token answer', () => {
  it('is learnt before the client has it: a call right after each of 20 logins is attributed', async () => {
    const client = new Client(gatewayUrl); // one keep-alive connection: the next call leaves at once
    const before = await metrics();
    const lookups = await simCalls('/api/v2/tokens/me');
    try {
      for (let i = 0; i < 20; i++) {
        const encoding = i % 2 ? 'br' : 'gzip';
        const r = await client.request({
          path: '/oauth/token',
          method: 'POST',
          headers: {
            authorization: `Basic ${basic(WFM.id, WFM.secret)}`,
            'content-type': FORM,
            'accept-encoding': encoding,
          },
          body: 'grant_type=client_credentials',
        });
        const raw = Buffer.from(await r.body.arrayBuffer());
        expect(r.headers['content-encoding']).toBe(encoding);
        const text = (encoding === 'br' ? brotliDecompressSync(raw) : gunzipSync(raw)).toString('utf8');
        const token = (JSON.parse(text) as { access_token: string }).access_token;
        const call = await client.request({
          path: '/api/v2/users/me',
          method: 'GET',
          headers: { authorization: `Bearer ${token}` },
        });
        await call.body.dump();
        expect(call.statusCode).toBe(200);
      }
    } finally {
      await client.close();
    }
    // Each call counted under its client from the login alone, none via a look-up.
    expect(countOf(await metrics(), WFM.id, '2xx') - countOf(before, WFM.id, '2xx')).toBe(20);
    expect(await simCalls('/api/v2/tokens/me')).toBe(lookups);
  });
});

describe('slow request bodies', () => {
  async function slowFlood(
    head: (i: number) => string,
    n: number,
  ): Promise<{ closed: Promise<string[]>; stop: () => void }> {
    const sockets = await Promise.all(Array.from({ length: n }, () => openSocket(gatewayPort, ATTACKER)));
    sockets.forEach((s, i) => s.socket.write(head(i)));
    // One byte every 2 s: far below any sane minimum rate, far inside Node's 300 s default.
    const drip = setInterval(() => {
      for (const s of sockets) if (!s.socket.destroyed) s.socket.write('a');
    }, 2_000);
    return {
      closed: Promise.all(
        sockets.map((s) => s.closed.then(() => /^HTTP\/1\.1 (\d{3})/.exec(s.received())?.[1] ?? 'none')),
      ),
      stop: () => {
        clearInterval(drip);
        for (const s of sockets) s.socket.destroy();
      },
    };
  }

  it('300 trickling logins neither delay a real login nor keep their connections', async () => {
    const flood = await slowFlood(
      (i) =>
        `POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${basic(ETL.id, ETL.secret)}\r\nContent-Type: ${FORM}\r\nContent-Length: ${i % 2 ? 100_000 : 1_000}\r\n\r\ngrant_type=`,
      300,
    );
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      const t0 = performance.now();
      const got = await gatewayLogin(`Basic ${basic(WFM.id, WFM.secret)}`);
      expect(got.status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(3_000);
      // Every trickler is answered (408 too slow, 413 too large, 429 too many) and cut off, long before 300 s.
      const statuses = await Promise.race([
        flood.closed,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('slow connections still open after 25 s')), 25_000),
        ),
      ]);
      expect(statuses.filter((s) => !['408', '413', '429'].includes(s))).toEqual([]);
      expect(statuses).toContain('408');
    } finally {
      flood.stop();
    }
  }, 40_000);

  it('300 trickling API bodies behind a valid token neither delay another client nor keep their connections', async () => {
    const attacker = await gatewayLogin(`Basic ${basic(ETL.id, ETL.secret)}`);
    const victim = await gatewayLogin(`Basic ${basic(WFM.id, WFM.secret)}`);
    const flood = await slowFlood(
      (i) =>
        `POST /api/v2/analytics/things HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${attacker.token!}\r\nContent-Type: application/json\r\nContent-Length: ${i % 2 ? 100_000 : 1_000}\r\n\r\n[`,
      300,
    );
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      const t0 = performance.now();
      const call = await request(`${gatewayUrl}/api/v2/users/me`, {
        headers: { authorization: `Bearer ${victim.token!}` },
      });
      expect(call.statusCode).toBe(200);
      await call.body.dump();
      expect(performance.now() - t0).toBeLessThan(3_000);
      const statuses = await Promise.race([
        flood.closed,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('slow connections still open after 25 s')), 25_000),
        ),
      ]);
      expect(statuses.filter((s) => !['408', '429'].includes(s))).toEqual([]);
    } finally {
      flood.stop();
    }
  }, 40_000);
});

describe('a flood of unknown tokens', () => {
  it('is forwarded without waiting, spends only the look-up budget, and is logged as a summary', async () => {
    const lookupsBefore = await simCalls('/api/v2/tokens/me');
    const latencies: number[] = [];
    const queue = Array.from({ length: 300 }, (_, i) => `made-up-token-${i}-${Math.random()}`);
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        for (let token = queue.pop(); token; token = queue.pop()) {
          const t0 = performance.now();
          const r = await rawRequest(
            gatewayPort,
            `GET /api/v2/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
            { localAddress: FLOODER },
          );
          latencies.push(performance.now() - t0);
          expect(r.status).toBe(401);
        }
      }),
    );
    expect(Math.max(...latencies)).toBeLessThan(1_500);
    expect((await simCalls('/api/v2/tokens/me')) - lookupsBefore).toBeLessThanOrEqual(LOOKUPS_PER_MINUTE);
    // The polls kept their own budget: none of them waited for it.
    expect(agent.stderr()).not.toContain('call budget used up');
    // A client that logs in through the gateway meanwhile is still known by name, not `unknown`.
    const got = await gatewayLogin(`Basic ${basic(WFM.id, WFM.secret)}`);
    const before = await metrics();
    const call = await request(`${gatewayUrl}/api/v2/users/me`, {
      headers: { authorization: `Bearer ${got.token!}` },
    });
    await call.body.dump();
    expect(call.statusCode).toBe(200);
    const count = (text: string) =>
      Number(
        new RegExp(
          `genesys_gateway_requests_total\\{[^}]*client_id="${WFM.id}"[^}]*method="GET"[^}]*status_class="2xx"[^}]*\\} (\\d+)`,
        ).exec(text)?.[1] ?? 0,
      );
    expect(count(await metrics())).toBe(count(before) + 1);
    // One line per failed look-up would be 300 lines; the summary comes at most once a minute.
    const perToken = agent
      .stderr()
      .split('\n')
      .filter((l) => /look-up/.test(l));
    expect(perToken.length).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe('a decompression bomb in the token answer', () => {
  it('passes to the client byte for byte while the gateway decodes at most 64 KiB of it, off the event loop', async () => {
    const pid = agent.child.pid!;
    const peakBefore = peakRssBytes(pid);
    const r = await request(`${gatewayUrl}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic(BOMB_CLIENT, 'x')}`, 'content-type': FORM },
      body: 'grant_type=client_credentials',
    });
    const received = Buffer.from(await r.body.arrayBuffer());
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBe('br');
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(sha(received)).toBe(sha(bomb));
    const health = await request(`${agentUrl}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
    // Decoding all of it would take the agent's peak memory up by the bomb's 256 MiB (twice, as text).
    expect(peakRssBytes(pid) - peakBefore).toBeLessThan(64 * 1024 * 1024);
  }, 30_000);
});

describe('Expect: 100-continue', () => {
  it('works through the gateway for logins and API bodies, and leaves the gateway healthy', async () => {
    const form = 'grant_type=client_credentials';
    const loginRes = await expectContinue(
      `POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${basic(WFM.id, WFM.secret)}\r\nContent-Type: ${FORM}\r\nContent-Length: ${form.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
      form,
    );
    expect(loginRes.statuses).toEqual([100, 200]);
    const token = (JSON.parse(loginRes.body) as { access_token: string }).access_token;
    const body = JSON.stringify({ query: 'x'.repeat(200_000) });
    const api = await expectContinue(
      `POST /api/v2/analytics/things HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
      body,
    );
    expect(api.statuses).toEqual([100, 200]);
    const ready = (await (await request(`${agentUrl}/readyz`)).body.json()) as {
      sources: { source: string; lastError: string | null }[];
    };
    expect(ready.sources.find((s) => s.source === 'gateway')?.lastError).toBeNull();
  });

  it('an oversized login is refused before 100 Continue, so its body is never sent', async () => {
    const r = await rawRequest(
      gatewayPort,
      `POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: ${FORM}\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(r.statuses).toEqual([413]);
  });

  /** Sends the head, waits for the interim 100, then the body; resolves with the final answer. */
  async function expectContinue(head: string, body: string) {
    const s = await openSocket(gatewayPort);
    s.socket.write(head);
    await waitFor(
      async () => (s.received().startsWith('HTTP/1.1 100') ? true : undefined),
      5_000,
      '100 Continue',
    );
    s.socket.write(body);
    await s.closed;
    const { parseResponses } = await import('../helpers/raw-http.js');
    const r = parseResponses(Buffer.from(s.received(), 'latin1'));
    if (!r) throw new Error(`no final response: ${s.received().slice(0, 200)}`);
    return r;
  }
});

describe('encoded traversal', () => {
  function traversals(): string[] {
    const climbs = [
      '..%2f..%2fx',
      '..%2F..%2Fx',
      '%2e%2e%2fx',
      '%2E%2E%2Fx',
      '%2e%2e/x',
      '.%2e/x',
      '%2e./x',
      '%2e/x',
      '..%5cx',
      '..%5Cx',
      '..\\x',
      '..;/x',
      '.;/x',
      'x;jsessionid=1',
      'x%2fy',
      'x%5cy',
      '%252e%252e%252fx',
      '%252E%252E/x',
      '%25252e%25252e/x',
      '..%252fx',
      '%c0%ae%c0%ae/x',
      '..%c0%afx',
      '%2e%2e',
      '..',
    ];
    const prefixes = ['/api/v2/users/', '/api/v2/', '/api/api/v2/', '/login/oauth/token/', '/oauth/token/'];
    return prefixes.flatMap((p) => climbs.map((c) => p + c));
  }

  it('refuses every path segment that decodes to a dot segment or carries %2f, %5c, \\ or ; with 400, forwarding none', async () => {
    const before = (await (await fetch(`${sim.url}/__sim/calls`)).json()) as { total: number };
    const wrong: string[] = [];
    for (const target of traversals()) {
      const r = await rawRequest(
        gatewayPort,
        `GET ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer anything\r\nConnection: close\r\n\r\n`,
      );
      if (r.status !== 400) wrong.push(`${target} -> ${r.status}`);
    }
    expect(wrong).toEqual([]);
    const after = (await (await fetch(`${sim.url}/__sim/calls`)).json()) as {
      byRoute: { route: string; count: number }[];
    };
    // Only the agent's own polls reached the simulator meanwhile.
    expect(after.byRoute.filter((r) => /\/x$|jsessionid|%/.test(r.route))).toEqual([]);
    expect(before.total).toBeGreaterThan(0);
  });
});

describe('distinct clients per org are capped', () => {
  it('clients beyond AGENT_MAX_CLIENTS are counted as other, and the overflow is counted', async () => {
    for (let i = 0; i < 4; i++) {
      const id = `cap-client-${i}`;
      const made = await fetch(`${sim.url}/__sim/clients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, name: `Cap_${i}`, secret: `cap-secret-${i}` }),
      });
      expect(made.status).toBe(201);
      const got = await gatewayLogin(`Basic ${basic(id, `cap-secret-${i}`)}`);
      expect(got.status).toBe(200);
      const call = await request(`${gatewayUrl}/api/v2/users/me`, {
        headers: { authorization: `Bearer ${got.token!}` },
      });
      await call.body.dump();
    }
    const text = await metrics();
    const ids = [...clientIds(text)];
    expect(ids.filter((id) => id !== 'other').length).toBeLessThanOrEqual(MAX_CLIENTS);
    expect(ids).toContain('other');
    const overflow = Number(/^genesys_gateway_clients_overflow_total\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    expect(overflow).toBeGreaterThanOrEqual(4);
  });
});
