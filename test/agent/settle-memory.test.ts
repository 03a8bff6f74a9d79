/**
 * The agent hands start-up's memory back once it is ready (src/runtime/settle-memory.ts): the
 * policy runs the collection exactly once, the collection really shrinks V8's young generation (a
 * plain full GC does not), no `gc` is left on the global object, and a started agent does it only
 * after every source has succeeded once.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/config.js';
import { ManualScheduler } from '../../src/lifecycle/scheduler.js';
import { readiness } from '../../src/runtime/org.js';
import {
  collectGarbageReducingMemory,
  SETTLE_CHECK_MS,
  SETTLE_MAX_WAIT_MS,
  settleOnceReady,
} from '../../src/runtime/settle-memory.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import { waitFor } from '../helpers/spawn-agent.js';

describe('settleOnceReady', () => {
  function run(ready: () => boolean) {
    const scheduler = new ManualScheduler();
    let collected = 0;
    const cancel = settleOnceReady({ ready, collect: () => collected++, scheduler });
    return { scheduler, cancel, collected: () => collected };
  }

  it('collects at the first check that finds the agent ready, and never again', () => {
    let ready = false;
    const s = run(() => ready);
    s.scheduler.advance(SETTLE_CHECK_MS * 3);
    expect(s.collected()).toBe(0);
    ready = true;
    s.scheduler.advance(SETTLE_CHECK_MS - 1);
    expect(s.collected()).toBe(0);
    s.scheduler.advance(1);
    expect(s.collected()).toBe(1);
    s.scheduler.advance(SETTLE_MAX_WAIT_MS * 2);
    expect(s.collected()).toBe(1);
    expect(s.scheduler.pending).toBe(0);
  });

  it('collects once the longest wait has passed, even if start-up never finishes', () => {
    const s = run(() => false);
    s.scheduler.advance(SETTLE_MAX_WAIT_MS - 1);
    expect(s.collected()).toBe(0);
    s.scheduler.advance(1);
    expect(s.collected()).toBe(1);
    s.scheduler.advance(SETTLE_MAX_WAIT_MS);
    expect(s.collected()).toBe(1);
    expect(s.scheduler.pending).toBe(0);
  });

  it('does nothing once cancelled (the agent stopped first)', () => {
    const s = run(() => true);
    s.cancel();
    s.scheduler.advance(SETTLE_MAX_WAIT_MS);
    expect(s.collected()).toBe(0);
    expect(s.scheduler.pending).toBe(0);
  });
});

describe('collectGarbageReducingMemory', () => {
  const youngBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_size;
  const tick = () => new Promise((r) => setImmediate(r));

  /**
   * Objects that survive many scavenges make V8 grow the young generation, as start-up does; once
   * this returns, nothing references them.
   */
  async function growYoungGeneration(): Promise<number> {
    const keep: object[] = [];
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 20_000; i++) keep.push({ i, s: `x${i}` });
      await tick();
    }
    return youngBytes();
  }

  it('shrinks the young generation that a plain full GC leaves as it is', async () => {
    setFlagsFromString('--expose-gc');
    const plainGc = runInNewContext('gc') as () => void;
    setFlagsFromString('--no-expose-gc');
    const grownForPlain = await growYoungGeneration();
    await tick();
    plainGc();
    expect(youngBytes()).toBe(grownForPlain);

    const grown = await growYoungGeneration();
    await tick();
    collectGarbageReducingMemory();
    expect(youngBytes()).toBeLessThan(grown / 2);
  });

  it('frees what nothing references, and leaves no gc() on the global object', async () => {
    expect('gc' in globalThis).toBe(false);
    const ref = new WeakRef({ big: new Array(1000).fill('x') });
    await tick(); // a WeakRef keeps its target until the job that made it has ended
    collectGarbageReducingMemory();
    expect(ref.deref()).toBeUndefined();
    expect('gc' in globalThis).toBe(false);
  });
});

describe('a started agent', () => {
  let sim: RunningSimulator;
  let agent: RunningAgent;
  const scheduler = new ManualScheduler();
  const logs: { msg: string; ms?: number }[] = [];
  const settled = () => logs.filter((l) => l.msg === 'start-up memory settled').length;

  beforeAll(async () => {
    sim = await startSimulator({ scenario: 'steady' });
    const config = loadConfig(simulatorEnv(sim, { AGENT_HOST: '127.0.0.1', AGENT_PORT: '0' }));
    const logger = pino({ level: 'debug' }, { write: (l: string) => void logs.push(JSON.parse(l)) });
    agent = await startAgent(config, { logger, scheduler });
  });
  afterAll(async () => {
    await agent?.close();
    await sim?.close();
  });

  it('settles its memory once, after every source has succeeded once', async () => {
    scheduler.advance(0); // the first polls start; they answer over HTTP, later
    expect(readiness(agent.orgs).ready).toBe(false);
    scheduler.advance(SETTLE_CHECK_MS);
    expect(settled()).toBe(0);

    await waitFor(async () => readiness(agent.orgs).ready || undefined, 10_000, 'every source succeeded');
    expect(settled()).toBe(0);
    scheduler.advance(SETTLE_CHECK_MS);
    expect(settled()).toBe(1);
    scheduler.advance(SETTLE_MAX_WAIT_MS);
    expect(settled()).toBe(1);
  });
});
