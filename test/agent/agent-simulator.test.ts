import { spawnSync } from 'node:child_process';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/config.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { requireBinary } from '../helpers/binaries.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import { parseProm, samplesOf, valueOf, type Sample } from '../helpers/prom-text.js';
import { BOUNDARIES, fakeClockAt, utcDayOf } from '../helpers/clock.js';
import { expectedUsage, fetchTruth } from '../helpers/sim-truth.js';
import type { ClientsSnapshot } from '../../src/server/snapshot.js';

// One fake clock for the simulator and the agent, at the 1st of a month: the day month-to-date is
// 0 and the previous month's total matters (test/sources/usage-midnight.test.ts and test/commands/once.test.ts cover the others).
const clock = fakeClockAt(BOUNDARIES.firstMinuteOfMonth);

let sim: RunningSimulator;
let agent: RunningAgent;
let receiver: OtlpReceiver;

async function scrape(): Promise<Sample[]> {
  const res = await fetch(`${agent.url}/metrics`);
  expect(res.status).toBe(200);
  return parseProm(await res.text());
}

const truth = () => fetchTruth(sim.url);

/** OTLP points of the last export, as name -> (attributes json -> value). */
function lastExport(): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const rm of receiver.requests.at(-1)!.resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics) {
        const points = (m.gauge ?? m.sum)?.dataPoints ?? [];
        const byAttrs = new Map<string, number>();
        for (const p of points as {
          attributes: { key: string; value: Record<string, unknown> }[];
          asDouble?: number;
          asInt?: number | string;
        }[]) {
          const attrs = Object.fromEntries(
            p.attributes.map((a) => [a.key, String(Object.values(a.value)[0])]),
          );
          byAttrs.set(
            JSON.stringify(Object.fromEntries(Object.entries(attrs).sort())),
            Number(p.asDouble ?? p.asInt),
          );
        }
        out.set(m.name, byAttrs);
      }
  return out;
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'demo', clock });
  receiver = await startOtlpReceiver();
  const config = loadConfig(
    simulatorEnv(sim, {
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_METRIC_EXPORT_INTERVAL: '600000',
    }),
  );
  agent = await startAgent(config, {
    logger: pino({ level: 'silent' }),
    clock,
    client: { usageJobPoll: { initialMs: 10 } },
  });
  await agent.orgs[0]!.usage.runOnce();
});

afterAll(async () => {
  await agent?.close();
  await receiver?.close();
  await sim?.close();
});

describe('agent against the simulator (demo scenario)', () => {
  it('exports daily and month-to-date figures equal to the simulator truth', async () => {
    const samples = await scrape();
    const t = await truth();
    const usage = (await (await fetch(`${agent.url}/api/v1/clients`)).json()) as ClientsSnapshot;
    const want = expectedUsage(t, usage.orgs[0]!.usage!.fetchedAt);
    // the 1st: yesterday is the last complete day, and it is in the previous month
    expect(want.lastCompleteDay).toBe(utcDayOf(BOUNDARIES.firstMinuteOfMonth, -1));
    expect(want.monthHasCompleteDay).toBe(false);
    // clients with traffic (the agent's own client makes no catch-all calls, so has no usage)
    const live = t.clients.filter((c) => !c.deleted && c.days[want.lastCompleteDay!]);
    expect(live.length).toBeGreaterThanOrEqual(6);
    for (const c of live) {
      const labels = { client_id: c.id, client_name: c.name };
      const w = want.clients.get(c.id)!;
      const y = w.lastDay!;
      expect(valueOf(samples, 'genesys_usage_requests_last_day', labels)).toBe(y.requests);
      expect(valueOf(samples, 'genesys_usage_responses_last_day', { ...labels, status_class: '429' })).toBe(
        y.status429,
      );
      expect(valueOf(samples, 'genesys_usage_responses_last_day', { ...labels, status_class: '4xx' })).toBe(
        y.status400 - y.status429,
      );
      expect(valueOf(samples, 'genesys_usage_responses_last_day', { ...labels, status_class: '2xx' })).toBe(
        y.status200,
      );
      expect(valueOf(samples, 'genesys_usage_responses_last_day', { ...labels, status_class: '5xx' })).toBe(
        y.status500,
      );
      expect(valueOf(samples, 'genesys_usage_requests_month_to_date', labels)).toBe(w.monthToDate);
      expect(w.monthToDate).toBe(0);
      const row = usage.orgs[0]!.clients.find((r) => r.clientId === c.id)!;
      expect(row.usage!.previousMonthTotal).toBe(w.previousMonthTotal);
    }
    expect(valueOf(samples, 'genesys_agent_source_up', { source: 'usage' })).toBe(1);
  });

  it('/metrics passes promtool check metrics', { tags: ['system'] }, async () => {
    const promtool = requireBinary('promtool', 'prometheus');
    const text = await (await fetch(`${agent.url}/metrics`)).text();
    const r = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('OTLP points carry the same values and attributes as /metrics', async () => {
    await agent.telemetry.flush();
    const otlp = lastExport();
    const samples = await scrape();
    for (const name of [
      'genesys_usage_requests_last_day',
      'genesys_usage_responses_last_day',
      'genesys_usage_requests_month_to_date',
    ]) {
      const prom = samplesOf(samples, name);
      expect(prom.length).toBeGreaterThan(0);
      const points = otlp.get(name)!;
      expect(points.size).toBe(prom.length);
      for (const s of prom)
        expect(points.get(JSON.stringify(Object.fromEntries(Object.entries(s.labels).sort())))).toBe(s.value);
    }
  });

  it('GET /api/v1/events lists the latest pulled events even with the push endpoint off', async () => {
    await agent.orgs[0]!.ratelimits.runOnce();
    const res = await fetch(`${agent.url}/api/v1/events`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { org: string; events: { source: string }[] };
    expect(body.org).toBe('default');
    expect(body.events.length).toBeGreaterThan(0);
    expect(body.events.every((e) => e.source === 'pull')).toBe(true);
    expect((await fetch(`${agent.url}/v1/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('readyz is 200 once every source has succeeded', async () => {
    await Promise.all(agent.orgs[0]!.sources.map((s) => s.runOnce?.()));
    const res = await fetch(`${agent.url}/readyz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { sources: unknown[] }).sources).toHaveLength(3);
  });

  it('deleting a client removes its series from the next scrape and the next OTLP export', async () => {
    const victim = (await truth()).clients.find(
      (c) => !c.deleted && c.days[utcDayOf(BOUNDARIES.firstMinuteOfMonth, -1)],
    )!;
    expect(
      samplesOf(await scrape(), 'genesys_usage_requests_last_day', { client_id: victim.id }),
    ).toHaveLength(1);
    expect((await fetch(`${sim.url}/__sim/clients/${victim.id}`, { method: 'DELETE' })).status).toBe(204);
    await agent.orgs[0]!.usage.runOnce();
    const after = await scrape();
    expect(after.filter((s) => s.labels.client_id === victim.id)).toEqual([]);
    // its usage still counts in the org total, under the deleted-clients series
    expect(valueOf(after, 'genesys_usage_requests_last_day', { client_id: 'deleted' })).toBeGreaterThan(0);
    await agent.telemetry.flush();
    expect(JSON.stringify(receiver.requests.at(-1))).not.toContain(victim.id);
  });
});

describe('a gateway-only replica (AGENT_POLL=none)', () => {
  it('runs only the limits source and the gateway, and exports no usage or platform series', async () => {
    const sim2 = await startSimulator({ scenario: 'steady' });
    const config = loadConfig(
      simulatorEnv(sim2, {
        AGENT_HOST: '127.0.0.1',
        AGENT_PORT: '0',
        AGENT_GATEWAY_PORT: '0',
        AGENT_POLL: 'none',
      }),
    );
    const replica = await startAgent(config, { logger: pino({ level: 'silent' }) });
    try {
      expect(replica.orgs[0]!.sources.map((s) => s.name)).toEqual(['limits', 'gateway']);
      await replica.orgs[0]!.limits.runOnce();
      const ready = await fetch(`${replica.url}/readyz`);
      expect(ready.status).toBe(200);
      const text = await (await fetch(`${replica.url}/metrics`)).text();
      expect(text).toContain('genesys_limit_requests_per_minute');
      expect(text).not.toContain('genesys_usage_');
      expect(text).not.toContain('source="usage"');
      expect(text).not.toContain('source="ratelimits"');
      // no usage or platform queries were sent
      const calls = (await (await fetch(`${sim2.url}/__sim/calls`)).json()) as {
        byRoute: { route: string }[];
      };
      expect(calls.byRoute.map((r) => r.route).filter((r) => /usage|ratelimits/.test(r))).toEqual([]);
    } finally {
      await replica.close();
      await sim2.close();
    }
  });
});
