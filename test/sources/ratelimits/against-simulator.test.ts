import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenesysClient } from '../../../src/genesys/client.js';
import { MapClientDirectory } from '../../../src/model/client-directory.js';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.js';
import { EventLedger } from '../../../src/sources/events/ledger.js';
import { eventsRoutes } from '../../../src/sources/events/routes.js';
import { RateLimitsSource } from '../../../src/sources/ratelimits/index.js';
import { pointsOf } from '../../helpers/families.js';
import { fetchTruth } from '../../helpers/sim-truth.js';
import { MODES, setMode } from '../../helpers/sim-mode.js';
import { FakeClock } from '../../helpers/clock.js';

const MIN = 60_000;
const TOKEN = 'integration-events-token';

describe.each(MODES)('against the simulator (runaway scenario, %s answers)', (mode) => {
  // One fake clock drives simulator and agent, so "a minute later" costs no real time. It starts on a
  // minute boundary: every simulated crossing of 90 % in the first minute happens after the start.
  const clock = new FakeClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  let sim: RunningSimulator;
  let agent: FastifyInstance;
  let ledger: EventLedger;
  let source: RateLimitsSource;
  const received: string[] = [];

  const truth = () => fetchTruth(sim.url);

  beforeAll(async () => {
    ledger = new EventLedger({ org: 'sim', clock });
    agent = Fastify();
    // Keep every pushed body, to redeliver one as EventBridge may.
    agent.addHook('preHandler', async (req) => {
      if (req.url === '/v1/events') received.push(JSON.stringify(req.body));
    });
    await agent.register(
      eventsRoutes({
        token: TOKEN,
        clock,
        ledgerFor: (id) => (id === sim.scenario.org.id ? ledger : undefined),
        ledgerOf: (org) => (org === sim.scenario.org.id ? ledger : undefined),
      }),
    );
    await agent.listen({ host: '127.0.0.1', port: 0 });
    const address = agent.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    sim = await startSimulator({
      scenario: 'runaway',
      clock,
      push: { url: `http://127.0.0.1:${port}/v1/events`, token: TOKEN },
    });
    await setMode(sim.url, mode);

    const api = new GenesysClient({
      org: 'sim',
      apiBaseUrl: sim.url,
      loginBaseUrl: sim.url,
      clientId: 'simulator-agent',
      clientSecret: 'simulator-secret',
      clock,
    });
    const directory = new MapClientDirectory();
    directory.replace(await api.listOAuthClients());
    source = new RateLimitsSource({ org: 'sim', api, intervalMs: MIN, directory, ledger, clock });
  });

  afterAll(async () => {
    await source?.stop();
    await sim?.close();
    await agent?.close();
  });

  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  }

  it('counts the runaway client warnings by name within two polls, each record once, pull and push alike', async () => {
    const startMs = clock.now();
    clock.advance(30_000);
    await source.runOnce();
    clock.advance(MIN);
    await source.runOnce();
    const runaway = sim.scenario.clients.find((c) => c.traffic?.profile === 'runaway');
    const afterTwo = pointsOf(source.collect(clock.now()), 'genesys_rate_limit_warnings');
    expect(afterTwo.find((p) => p.attributes.entity_name === runaway?.name)?.value).toBeGreaterThan(0);
    // More overlapping polls: every query re-reads the same 10 minutes.
    for (let i = 0; i < 4; i++) {
      clock.advance(MIN / 2);
      await source.runOnce();
    }

    const t = await truth();
    const expected = new Map<string, number>();
    for (const r of t.rateLimitRecords) {
      if (Date.parse(r.minute) + MIN <= startMs) continue; // before the agent started: not counted by design
      expected.set(r.entityId, (expected.get(r.entityId) ?? 0) + r.count);
    }
    const families = source.collect(clock.now());
    const warnings = pointsOf(families, 'genesys_rate_limit_warnings');
    expect(expected.size).toBeGreaterThan(0);
    expect(new Map(warnings.map((p) => [p.attributes.entity_id!, p.value]))).toEqual(expected);
    const names = new Map(t.clients.map((c) => [c.id, c.name]));
    for (const p of warnings) expect(p.attributes.entity_name).toBe(names.get(p.attributes.entity_id!));

    // Pulled events: one per record; pushed envelopes: the same number, under the same definition.
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    const pulled = pointsOf(ledger.collect(clock.now()), 'genesys_operational_events').filter(
      (p) => p.attributes.source === 'pull',
    );
    expect(pulled.map((p) => p.value)).toEqual([total]);
    await until(() =>
      pointsOf(ledger.collect(clock.now()), 'genesys_operational_events').some(
        (p) => p.attributes.source === 'push' && p.value >= total,
      ),
    );
    const pushed = pointsOf(ledger.collect(clock.now()), 'genesys_operational_events').filter(
      (p) => p.attributes.source === 'push',
    );
    expect(pushed).toEqual([
      expect.objectContaining({ value: total, attributes: { ...pulled[0]!.attributes, source: 'push' } }),
    ]);

    // EventBridge redelivers: the same envelope again is not counted.
    const res = await agent.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      payload: received[0]!,
    });
    expect(res.json()).toEqual({ accepted: 0, duplicates: 1 });
    expect(
      pointsOf(ledger.collect(clock.now()), 'genesys_operational_events').find(
        (p) => p.attributes.source === 'push',
      )?.value,
    ).toBe(total);
  });
});
