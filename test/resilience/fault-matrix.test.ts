/**
 * Fault matrix (issue 8): each row injects one Genesys-side fault through the simulator and states
 * what the agent must do. Shared expectations for every row: no crash, the last good values are
 * still exported, `genesys_agent_source_up` is 0 for the affected sources, the usage data age grows,
 * one warning per failure episode (repeated polls add none), self-recovery once the fault clears,
 * and the agent's own calls (counted by the simulator) stay within the per-org budget.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { MetricFamily } from '../../src/telemetry/families.js';
import { pointValue } from '../helpers/families.js';
import { MODES, startHarness, WARN, type Harness } from './harness.js';

type PollingSource = 'usage' | 'limits' | 'ratelimits';
const ALL: PollingSource[] = ['usage', 'limits', 'ratelimits'];

interface Row {
  fault: string;
  /** What the agent does about it. */
  behaviour: string;
  inject(h: Harness): Promise<void>;
  clear(h: Harness): Promise<void>;
  /** Sources that must go down; [] means the fault must not disturb the agent. */
  down: PollingSource[];
  /** What the first of those sources reports as its last error (status page, /readyz). */
  error?: RegExp;
}

const clearFaults = (h: Harness) => h.clearFaults();
/** Token faults only bite when the agent must log in again: revoke its token too. */
const tokenFault = (fault: object) => async (h: Harness) => {
  await h.fault({ route: '/oauth/token', ...fault });
  await fetch(`${h.sim.url}/__sim/tokens`, { method: 'DELETE' });
};

const ROWS: Row[] = [
  {
    fault: 'token endpoint down (simulator stopped)',
    behaviour: 'connection refused, retried with backoff, every source down; back when Genesys is back',
    inject: (h) => h.stopSimulator(),
    clear: (h) => h.restartSimulator(),
    down: ALL,
    error: /no response/,
  },
  {
    fault: 'token endpoint 400 (bad credentials)',
    behaviour: 'login not retried (a 400 will not heal by retrying), every source down',
    inject: tokenFault({ status: 400 }),
    clear: clearFaults,
    down: ALL,
    error: /oauth\/token failed: HTTP 400/,
  },
  {
    fault: 'token endpoint 429 with Retry-After 20 s',
    behaviour: 'Retry-After honoured, then gives up; every source down',
    inject: tokenFault({ status: 429, retryAfter: 20 }),
    clear: clearFaults,
    down: ALL,
    error: /oauth\/token failed: HTTP 429/,
  },
  {
    fault: 'API 500 on every route',
    behaviour: 'reads retried with backoff, then each source fails',
    inject: (h) => h.fault({ route: '/api/v2', status: 500 }),
    clear: clearFaults,
    down: ALL,
    error: /HTTP 500/,
  },
  {
    fault: 'API 503 on every route',
    behaviour: 'retried (job submits too: 503 means not processed), then each source fails',
    inject: (h) => h.fault({ route: '/api/v2', status: 503 }),
    clear: clearFaults,
    down: ALL,
    error: /HTTP 503/,
  },
  {
    fault: '429 storm with Retry-After 30 s',
    behaviour: 'waits the full 30 s between attempts within the call budget, then fails',
    inject: (h) => h.fault({ route: '/api/v2', status: 429, retryAfter: 30 }),
    clear: clearFaults,
    down: ALL,
    error: /HTTP 429/,
  },
  {
    fault: '429 storm with Retry-After 600 s',
    behaviour: 'a wait longer than the limit is not attempted: fails at once',
    inject: (h) => h.fault({ route: '/api/v2', status: 429, retryAfter: 600 }),
    clear: clearFaults,
    down: ALL,
    error: /Retry-After 600 s is too long/,
  },
  {
    fault: 'usage API times out',
    behaviour: 'per-attempt timeout cuts the call; usage down, the other sources unaffected',
    inject: (h) => h.fault({ route: '/api/v2/usage/aggregates', latencyMs: 1_500 }),
    clear: clearFaults,
    down: ['usage'],
    error: /timeout/i, // 'timeout after N ms' or undici's UND_ERR_HEADERS_TIMEOUT, whichever fires first
  },
  {
    fault: 'slow responses (under the timeout)',
    behaviour: 'nothing fails: slow is not broken',
    inject: (h) => h.fault({ route: '/api/v2', latencyMs: 50 }),
    clear: clearFaults,
    down: [],
  },
  {
    fault: 'malformed JSON from the usage API',
    behaviour: 'clear "malformed JSON" error; usage down',
    inject: (h) => h.fault({ route: '/api/v2/usage/aggregates', malformed: true }),
    clear: clearFaults,
    down: ['usage'],
    error: /malformed JSON/,
  },
  {
    fault: 'schema change: oauthClient renamed',
    behaviour: 'no row is usable: the error names the field; usage down, old figures kept',
    inject: (h) =>
      h.fault({
        route: '/api/v2/usage/aggregates',
        renameField: { from: 'oauthClient', to: 'client' },
      }),
    clear: clearFaults,
    down: ['usage'],
    error: /oauthClient/,
  },
  {
    fault: 'usage job never finishes',
    behaviour: 'job polling backs off and stops at its timeout; usage down',
    inject: (h) => h.fault({ route: '/api/v2/usage/aggregates/query/jobs', stuck: true }),
    clear: clearFaults,
    down: ['usage'],
    error: /still running after 30 s/,
  },
  {
    fault: 'paging loop (nextUri repeats)',
    behaviour: 'repeated nextUri detected after one page; usage down',
    inject: (h) => h.fault({ route: '/api/v2/usage/aggregates/query/jobs', pagingLoop: true }),
    clear: clearFaults,
    down: ['usage'],
    error: /nextUri repeats/,
  },
  {
    fault: 'very large response (8 MiB per page)',
    behaviour: 'read and validated; unknown padding ignored, figures unchanged',
    inject: (h) => h.fault({ route: '/api/v2/usage/aggregates', largeResponseBytes: 8 * 1024 * 1024 }),
    clear: clearFaults,
    down: [],
  },
];

const DATA_PREFIX: Record<PollingSource, string[]> = {
  usage: ['genesys_usage_requests', 'genesys_usage_responses'],
  limits: ['genesys_limit_'],
  ratelimits: ['genesys_rate_limit_', 'genesys_operational_events'],
};

/** The data a source exports (not its health), as a comparable string. */
function dataOf(families: MetricFamily[], source: PollingSource): string {
  const picked = families
    .filter((f) => DATA_PREFIX[source].some((p) => f.name.startsWith(p)))
    .map((f) => ({
      name: f.name,
      points: f.points.map((p) => [p.attributes, 'value' in p ? p.value : p.count]),
    }));
  return JSON.stringify(picked);
}

const up = (h: Harness, source: PollingSource) =>
  pointValue(h.families(), 'genesys_agent_source_up', { org: 'test', source });
const lastSuccess = (h: Harness, source: PollingSource) =>
  pointValue(h.families(), 'genesys_agent_source_last_success_timestamp_seconds', { org: 'test', source });
const age = (h: Harness) => pointValue(h.families(), 'genesys_usage_data_age_seconds', { org: 'test' });
const warnings = (h: Harness, from: number) => h.logs.slice(from).filter((l) => l.level >= WARN);

// Every row against both answer modes of the simulator: full bodies, and only what the SDK requires.
describe.each(MODES)('fault matrix (%s answers)', (mode) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode });
    // A cold simulator's first 45-day sums can pass the 800 ms timeout on a loaded machine; the
    // simulator caches them anyway, so a second round starts every row from a warm, healthy state.
    await h.pollAll();
    await h.pollAll();
    for (const s of ALL) expect(up(h, s), `${s} must work before any fault`).toBe(1);
  });
  afterAll(async () => h?.close());

  it.each(ROWS)('$fault → $behaviour', async (row) => {
    // Start each row healthy, outside any failure episode.
    await h.pollAll();
    for (const s of ALL) expect(up(h, s)).toBe(1);
    const before = h.families();
    const ageBefore = age(h)!;
    const callsBefore = await h.agentCalls();
    const successBefore = Object.fromEntries(ALL.map((s) => [s, lastSuccess(h, s)]));
    const startedMs = h.clock.now();
    const logStart = h.logs.length;

    await row.inject(h);
    let cleared = false;
    const clear = async () => {
      if (!cleared) await row.clear(h);
      cleared = true;
    };
    onTestFinished(clear); // a failed assertion must not leave the fault for the next row
    await h.pollAll();
    for (let i = 0; i < 2; i++) {
      h.clock.advance(5 * 60_000);
      await h.pollAll();
    }

    const during = h.families();
    for (const s of ALL) {
      expect(up(h, s), `${s} up`).toBe(row.down.includes(s) ? 0 : 1);
      // Last good values stay exported while a source fails (and unaffected sources keep theirs too).
      if (row.down.includes(s))
        expect(dataOf(during, s), `${s} keeps its last values`).toBe(dataOf(before, s));
    }
    expect(dataOf(during, 'usage').length).toBeGreaterThan(10);
    if (row.error) expect(h.runtime[row.down[0]!].health().lastError).toMatch(row.error);
    if (row.down.includes('usage')) expect(age(h)!).toBeGreaterThanOrEqual(ageBefore + 10 * 60);
    for (const s of row.down) expect(lastSuccess(h, s), `${s} last success stays put`).toBe(successBefore[s]);

    const warns = warnings(h, logStart);
    // Repeated failing polls add no warnings: one per episode, not one per retry or poll.
    // Retries and repeated failing polls add no warnings: at most one per failing endpoint or source per episode.
    const keys = warns.map((w) => String(w.endpoint ?? w.msg));
    expect(keys.length, keys.join('\n')).toBe(new Set(keys).size);
    for (const s of row.down) {
      expect(
        warns.filter((w) => w.msg.startsWith(`${s} source failing`)),
        `one warning for ${s}`,
      ).toHaveLength(1);
    }
    if (row.down.length === 0) expect(warns).toEqual([]);
    for (const w of warns) expect(JSON.stringify(w)).not.toContain('simulator-secret');

    // The call budget holds over the whole episode, counted on the Genesys side.
    // (A stopped simulator counts nothing, and its restart starts counting from zero.)
    if (!row.fault.includes('simulator stopped')) {
      const calls = (await h.agentCalls()) - callsBefore;
      const minutes = Math.floor((h.clock.now() - startedMs) / 60_000) + 1;
      expect(calls).toBeLessThanOrEqual(h.budgetPerMinute * minutes);
    }
    await clear();

    // Recovery by itself: the next scheduled polls succeed and say so once.
    h.clock.advance(5 * 60_000);
    const recoverStart = h.logs.length;
    await h.pollAll();
    for (const s of ALL) expect(up(h, s), `${s} recovered`).toBe(1);
    for (const s of row.down) {
      expect(
        h.logs.slice(recoverStart).filter((l) => l.msg === `${s} source recovered`),
        `${s} recovery logged`,
      ).toHaveLength(1);
    }
    for (const s of ALL) expect(lastSuccess(h, s)!).toBe(h.clock.now() / 1000);
  });
});
