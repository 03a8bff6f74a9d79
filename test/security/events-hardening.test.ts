/**
 * POST /v1/events on the built agent, over raw sockets: pushed bodies cannot mint labels (only
 * definitions the definitions list knows are named, the rest are `other`, and the list is
 * reloaded at most once a minute however many unknown ids arrive), and an oversized body always
 * gets its 413 — refused before `100 Continue` when the client asks for one, and delivered under
 * concurrent load while clients are still sending.
 *
 * @module-tag system
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { RATE_LIMIT_EVENT_DEFINITION } from '../../src/simulator/hot-minutes.js';
import { openSocket, parseResponses, rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import { freePort, spawnCli, waitFor, type SpawnedAgent } from '../helpers/spawn-agent.js';
import { envelope, notification } from '../helpers/signal-fixtures.js';

const TOKEN = 'events-hardening-token-Ka41';
let sim: RunningSimulator;
let agent: SpawnedAgent;
let port: number;
const url = () => `http://127.0.0.1:${port}`;

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'steady', port: 0, host: '127.0.0.1' });
  port = await freePort();
  agent = spawnCli(
    [],
    simulatorEnv(sim, {
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: String(port),
      AGENT_EVENTS_TOKEN: TOKEN,
      AGENT_EVENTS_RATE_LIMIT: '100000',
      AGENT_POLL: 'ratelimits',
      AGENT_RATELIMITS_INTERVAL: '1s',
    }),
  );
  await waitFor(
    async () => ((await request(`${url()}/readyz`)).statusCode === 200 ? true : undefined),
    30_000,
    'agent ready',
  );
}, 45_000);

afterAll(async () => {
  await agent?.stop();
  await sim?.close();
});

async function definitionCalls(): Promise<number> {
  const report = (await (await fetch(`${sim.url}/__sim/calls`)).json()) as {
    byRoute: { route: string; count: number }[];
  };
  return report.byRoute
    .filter((r) => r.route.includes('events/definitions'))
    .reduce((a, r) => a + r.count, 0);
}

function pushed(id: string, definitionId: string, name: string): Record<string, unknown> {
  const n = notification();
  return envelope(id, {
    detail: {
      ...n,
      topicName: `v2.operations.events.${definitionId}`,
      eventBody: {
        ...(n.eventBody as object),
        eventEntity: { id: definitionId, name },
      },
    },
  });
}

describe('pushed events cannot mint labels', () => {
  it('10 000 made-up definitions are counted as other; a listed id keeps its listed name', async () => {
    const callsBefore = await definitionCalls();
    for (let r = 0; r < 50; r++) {
      const batch = Array.from({ length: 200 }, (_, i) =>
        pushed(`flood-${r}-${i}`, `made-up-${r}-${i}`, `Minted name ${r}-${i}`),
      );
      const res = await request(`${url()}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }
    const listed = await request(`${url()}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(pushed('listed-1', RATE_LIMIT_EVENT_DEFINITION.id, 'A name the pusher made up')),
    });
    expect(listed.statusCode).toBe(200);
    await listed.body.dump();

    const text = await (await request(`${url()}/metrics`)).body.text();
    const labels = new Map<string, number>();
    for (const m of text.matchAll(
      /^genesys_operational_events_total\{[^}]*event_definition="([^"]*)"[^}]*source="push"[^}]*\} (\d+)/gm,
    ))
      labels.set(m[1]!, Number(m[2]));
    expect(labels.get('other')).toBe(10_000);
    expect(labels.get(RATE_LIMIT_EVENT_DEFINITION.name)).toBe(1);
    expect(labels.size).toBe(2);
    expect(text).not.toContain('Minted name');
    // The unknown ids asked for the list again, but at most once a minute, not once per id.
    expect((await definitionCalls()) - callsBefore).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe('Expect: 100-continue on the agent port', () => {
  const body = JSON.stringify(envelope('continue-1'));
  const head = (token: string) =>
    `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;

  it('a caller without the token gets its 401 instead of the 100, so its body is never sent', async () => {
    const r = await rawRequest(port, head('wrong-token'));
    expect(r.statuses).toEqual([401]);
  });

  it('an admitted caller gets the 100, then the answer to the body it sent', async () => {
    const s = await openSocket(port);
    s.socket.write(head(TOKEN));
    await waitFor(async () => (s.received().startsWith('HTTP/1.1 100') ? true : undefined), 5_000, '100');
    s.socket.write(body);
    await s.closed;
    expect(parseResponses(Buffer.from(s.received(), 'latin1'))?.statuses).toEqual([100, 200]);
  });
});

describe('413 for oversized bodies is always delivered', () => {
  const TWO_MB = 2 * 1024 * 1024;
  const head = (expectContinue: boolean) =>
    `POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${TWO_MB}\r\n${expectContinue ? 'Expect: 100-continue\r\n' : ''}\r\n`;

  it('with Expect: 100-continue the 413 comes instead of the 100, so the body is never sent', async () => {
    const r = await rawRequest(port, head(true));
    expect(r.statuses).toEqual([413]);
    expect(r.body).toContain('1 MiB');
  });

  /** Sends the head, then (after `waitMs`, as curl does when no 100 comes) the whole body at once. */
  async function oversized(expectContinue: boolean, waitMs: number): Promise<RawResponse> {
    const s = await openSocket(port);
    s.socket.write(head(expectContinue));
    if (waitMs) await new Promise((r) => setTimeout(r, waitMs));
    s.socket.write(Buffer.alloc(TWO_MB, 0x20));
    await Promise.race([s.closed, new Promise((r) => setTimeout(r, 15_000))]);
    s.socket.destroy();
    const r = parseResponses(Buffer.from(s.received(), 'latin1'));
    if (!r) throw new Error(`no final response; got ${JSON.stringify(s.received().slice(0, 80))}`);
    return r;
  }

  it('40 concurrent 2 MB posts, half with Expect and sending anyway, all get their 413', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => oversized(i % 2 === 0, i % 2 === 0 ? 200 : 0)),
    );
    const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : String(r.reason)));
    expect(statuses.filter((s) => s !== 413)).toEqual([]);
    const health = await request(`${url()}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  }, 60_000);
});

describe('pushed strings cannot grow the ledger or the API answer', () => {
  const push = (body: unknown) =>
    request(`${url()}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const longId = (i: number) => `${'i'.repeat(400)}-${i}`;

  it('50 pushes of ~1 MiB strings: GET /api/v1/events answers ~100 kB, every field cut and marked', async () => {
    const huge = 'n'.repeat(1_000_000);
    for (let i = 0; i < 50; i++) {
      const eventBody = {
        ...(notification().eventBody as object),
        entityName: huge,
        currentValue: huge.slice(0, 40_000),
      };
      const r = await push(envelope(longId(i), { detail: notification({ eventBody }) }));
      expect(r.statusCode, await r.body.text()).toBe(200);
    }
    const res = await request(`${url()}/api/v1/events`);
    const text = await res.body.text();
    expect(res.statusCode).toBe(200);
    // 50 events of 1 MiB each used to be served whole (49 MiB).
    expect(text.length).toBeLessThan(200_000);
    const answer = JSON.parse(text) as {
      events: { id: string; entityName: string; currentValue: string; truncated?: boolean }[];
      truncatedEvents: number;
    };
    const pushed = answer.events.filter((e) => e.entityName.startsWith('nnn'));
    expect(pushed).toHaveLength(50);
    for (const e of pushed) {
      for (const v of [e.id, e.entityName, e.currentValue]) {
        expect(v.length).toBeLessThanOrEqual(256);
        expect(v.endsWith('…')).toBe(true);
      }
      expect(e.truncated).toBe(true);
    }
    expect(answer.truncatedEvents).toBeGreaterThanOrEqual(50);
    // Long ids that share their first 256 characters are still told apart (remembered by hash).
    expect(await (await push(envelope(longId(7)))).body.json()).toEqual({ accepted: 0, duplicates: 1 });
    expect(await (await push(envelope(longId(77)))).body.json()).toEqual({ accepted: 1, duplicates: 0 });
  }, 120_000);
});
