/**
 * Readers of /metrics that stop reading, against the built agent watching thousands of clients:
 * scrapes beyond AGENT_MAX_CONCURRENT_SCRAPES get a quick 503, a stalled reader is cut off after
 * AGENT_WRITE_TIMEOUT (short here), memory stays bounded and /healthz keeps answering, and readers
 * that start together share one rendering, so each extra one costs next to nothing. Before, 60
 * stalled readers of an 8 000-client org took RSS from 194 MiB to 873 MiB and one was held for good.
 *
 * @module-tag system
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchScenario, BENCH_AGENT } from '../../bench/lib/scenario.js';
import { treeStats } from '../../bench/lib/procfs.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { freePort, spawnCli, waitFor, type SpawnedAgent } from '../helpers/spawn-agent.js';

const CLIENTS = 6_000;
const WRITE_TIMEOUT_S = 6;
/** Above the default (4) so that what each reader costs shows above the noise of RSS. */
const MAX_SCRAPES = 32;
let sim: RunningSimulator;
let agent: SpawnedAgent;
let port: number;
const url = (path: string) => `http://127.0.0.1:${port}${path}`;
const rssMb = () => treeStats(agent.child.pid!).rssBytes / 1024 / 1024;

async function scrape(): Promise<{ status: number; bytes: number; ms: number }> {
  const t0 = performance.now();
  const r = await request(url('/metrics'));
  const text = await r.body.text();
  return { status: r.statusCode, bytes: text.length, ms: performance.now() - t0 };
}

/**
 * A reader that asks for /metrics and never reads a byte. The kernel's socket buffers on loopback
 * swallow about 4 MiB, so the org is large enough for an answer to be bigger than that.
 */
interface Stalled {
  socket: Socket;
  /** Everything received (latin1), complete once `closed` resolves. */
  received: () => string;
  closed: Promise<void>;
}

function stalledReader(): Promise<Stalled> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.pause();
      socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
      socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
      const closed = new Promise<void>((r) => socket.once('close', () => r()));
      resolve({ socket, received: () => received, closed });
    });
    socket.once('error', reject);
    // Being cut off is the point: a reset is expected.
    socket.on('error', () => undefined);
  });
}

/** The benchmark org, every client with a little traffic so each has usage series. */
function busyOrg() {
  const s = benchScenario({ extraClients: CLIENTS });
  return {
    ...s,
    clients: s.clients!.map((c) => ({ ...c, traffic: { profile: 'steady' as const, rpm: 10 } })),
  };
}

beforeAll(async () => {
  sim = await startSimulator({ scenario: busyOrg(), host: '127.0.0.1' });
  port = await freePort();
  agent = spawnCli([], {
    GENESYS_API_BASE_URL: sim.url,
    GENESYS_LOGIN_BASE_URL: sim.url,
    GENESYS_CLIENT_ID: BENCH_AGENT.clientId,
    GENESYS_CLIENT_SECRET: BENCH_AGENT.clientSecret,
    AGENT_HOST: '127.0.0.1',
    AGENT_PORT: String(port),
    AGENT_POLL: 'usage',
    AGENT_LOG_LEVEL: 'warn',
    AGENT_WRITE_TIMEOUT: `${WRITE_TIMEOUT_S}s`,
    AGENT_MAX_CONCURRENT_SCRAPES: String(MAX_SCRAPES),
  });
  // Every client's usage series is in the exposition: a scrape is megabytes.
  await waitFor(
    async () => {
      const text = await (await request(url('/metrics'))).body.text();
      return (text.match(/^genesys_usage_requests_last_day\{/gm)?.length ?? 0) > CLIENTS ? true : undefined;
    },
    // Listing and querying 6 000 clients takes ~30 s alone, several times that on a loaded machine.
    300_000,
    `usage series of ${CLIENTS} clients`,
  );
}, 330_000);

afterAll(async () => {
  await agent?.stop();
  await sim?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stalled readers of /metrics', () => {
  it('share one rendering: as many stalled readers as the cap take about the memory of one', async () => {
    const full = await scrape();
    for (let i = 0; i < 3; i++) await scrape();
    const before = rssMb();
    const one = await stalledReader();
    await sleep(3_000);
    const withOne = rssMb();
    one.socket.destroy();
    await sleep(1_000);
    const many = await Promise.all(Array.from({ length: MAX_SCRAPES }, stalledReader));
    await sleep(3_000);
    const withMany = rssMb();
    for (const r of many) r.socket.destroy();
    const perExtra = (withMany - withOne) / (MAX_SCRAPES - 1);
    console.log(
      `scrape ${(full.bytes / 2 ** 20).toFixed(1)} MiB; RSS ${before.toFixed(0)} MiB, ` +
        `1 stalled ${withOne.toFixed(0)} MiB, ${MAX_SCRAPES} stalled ${withMany.toFixed(0)} MiB, per extra reader ${perExtra.toFixed(1)} MiB`,
    );
    // Each extra reader is a cursor and its socket's buffers, a small fraction of the scrape (it
    // was 1.7–6.3 MiB, 28–100 %, when each reader rendered its own copy a family at a time).
    expect(perExtra).toBeLessThan(full.bytes / 2 ** 20 / 10);
    await sleep(500);
  }, 60_000);

  it('are capped, cut off by the write deadline, and leave memory and /healthz alone', async () => {
    const full = await scrape();
    expect(full.status).toBe(200);
    // Bigger than what the kernel buffers for a reader that never reads (send buffer at its most
    // plus the receive buffer): otherwise every answer leaves the agent whole and nothing stalls.
    const maxBytes = (path: string, field: number) =>
      Number(readFileSync(path, 'utf8').trim().split(/\s+/)[field]);
    expect(full.bytes).toBeGreaterThan(
      maxBytes('/proc/sys/net/ipv4/tcp_wmem', 2) + maxBytes('/proc/sys/net/ipv4/tcp_rmem', 1),
    );
    for (let i = 0; i < 3; i++) await scrape();
    const baseline = rssMb();

    const readers = await Promise.all(Array.from({ length: 60 }, stalledReader));
    await new Promise((r) => setTimeout(r, 2_000));

    // Beyond the cap: refused at once, not queued behind the stalled ones.
    const refused = await scrape();
    expect(refused.status).toBe(503);
    expect(refused.ms).toBeLessThan(1_000);
    const t0 = performance.now();
    const health = await request(url('/healthz'));
    await health.body.dump();
    expect(health.statusCode).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1_000);
    // MAX_SCRAPES answers in progress at most, sharing one rendering: not 60 × the org.
    expect(rssMb() - baseline).toBeLessThan(150);

    // Past the deadline the readers start reading: the answers that had a slot end cut short
    // (the agent dropped them), the refused ones end after their 503 (keep-alive timeout).
    await new Promise((r) => setTimeout(r, (WRITE_TIMEOUT_S + 1) * 1000));
    for (const r of readers) r.socket.resume();
    const ended = await Promise.race([
      Promise.all(readers.map((r) => r.closed)).then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 15_000)),
    ]);
    expect(ended).toBe(true);
    const statuses = readers.map((r) => /^HTTP\/1\.1 (\d+)/.exec(r.received())?.[1]);
    const served = readers.filter((_, i) => statuses[i] === '200');
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThanOrEqual(MAX_SCRAPES);
    expect(statuses.filter((s) => s !== '200' && s !== '503')).toEqual([]);
    for (const r of served) expect(r.received().length).toBeLessThan(full.bytes);
    // Their slots are free again.
    expect((await scrape()).status).toBe(200);
  }, 90_000);
});
