/**
 * Idle memory as shipped: the agent (no demo, default sources, no gateway) against the floor of
 * the libraries it is built on and a bare node:http listener, all with the shipped Node flags,
 * in alternating rounds; each read after the process has settled.
 */
import { fileURLToPath } from 'node:url';
import { agentEnv } from '../lib/agent-env.js';
import { getStatus, waitReady } from '../lib/http.js';
import { startChild } from '../lib/ipc.js';
import { freePort, startMeasured, type MeasuredProcess } from '../lib/process.js';
import type { Profile } from '../lib/profile.js';
import type { BenchResult } from '../lib/result.js';
import { alternating, ratioSpread, spreadOf } from '../lib/rounds.js';
import { startShippedAgent } from '../lib/shipped.js';
import { NODE_FLAGS } from '../../src/runtime/node-flags.js';

const FLOOR_IDLE = fileURLToPath(new URL('../children/floor-idle.js', import.meta.url));
const BARE = "require('node:http').createServer((q, s) => s.end()).listen(+process.argv[1], '127.0.0.1')";
const KINDS = ['agent', 'floor', 'bare'] as const;
type Kind = (typeof KINDS)[number];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listening(url: string, proc: MeasuredProcess): Promise<void> {
  const deadline = performance.now() + 10_000;
  while ((await getStatus(url).catch(() => 0)) === 0) {
    if (proc.ended() || performance.now() > deadline) throw new Error(`did not start: ${proc.stderr()}`);
    await sleep(50);
  }
}

async function rssOf(kind: Kind, simUrl: string, settleMs: number): Promise<number> {
  const flags = NODE_FLAGS;
  let proc: MeasuredProcess;
  if (kind === 'agent') {
    const agent = await startShippedAgent(agentEnv(simUrl), { gateway: false });
    proc = agent.proc;
    await waitReady(agent.url);
  } else {
    const port = await freePort();
    proc =
      kind === 'floor'
        ? startMeasured(process.execPath, [...flags, FLOOR_IDLE, String(port)])
        : startMeasured(process.execPath, [...flags, '-e', BARE, String(port)]);
    await listening(`http://127.0.0.1:${port}/healthz`, proc);
  }
  try {
    await sleep(settleMs);
    return proc.stats().rssBytes;
  } finally {
    await proc.stop();
  }
}

export async function idleSuite(profile: Profile): Promise<BenchResult['idle']> {
  const sim = await startChild<{ url: string }>('simulator', {});
  const rss: Record<Kind, (number | null)[]> = { agent: [], floor: [], bare: [] };
  try {
    for (const { round, item } of alternating(KINDS, profile.idle.rounds)) {
      process.stderr.write(`bench: idle round ${round + 1}/${profile.idle.rounds} ${item}\n`);
      rss[item].push(await rssOf(item, sim.info.url, profile.idle.settleMs));
    }
  } finally {
    await sim.stop();
  }
  return {
    rounds: profile.idle.rounds,
    agentRssBytes: spreadOf(rss.agent),
    floorRssBytes: spreadOf(rss.floor),
    bareRssBytes: spreadOf(rss.bare),
    agentToFloor: ratioSpread(rss.agent, rss.floor),
    agentAboveFloorBytes: spreadOf(
      rss.agent.map((a, i) => (a === null || rss.floor[i] == null ? null : a - rss.floor[i]!)),
    ),
  };
}
