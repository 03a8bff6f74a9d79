/**
 * `npm run bench [-- --quick | --smoke] [--no-nginx] [--out FILE]`: runs every benchmark, prints
 * the tables and writes the figures to bench/results/latest.json (docs/performance.md).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileFor, type Mode, type Profile } from './lib/profile.js';
import { benchResultSchema, type BenchResult } from './lib/result.js';
import {
  evaluateTargets,
  renderContainer,
  renderGateway,
  renderEndpoints,
  renderOrgs,
  renderReport,
} from './lib/report.js';
import { containerSuite } from './suites/container.js';
import { endpointsSuite } from './suites/endpoints.js';
import { gatewaySuite } from './suites/gateway.js';
import { idleSuite } from './suites/idle.js';
import { metricsSuite } from './suites/metrics.js';
import { orgsSuite } from './suites/orgs.js';
import { startOwnCalls } from './suites/own-calls.js';
import { NODE_FLAGS } from '../src/runtime/node-flags.js';

const USAGE =
  'usage: bench/run.js [--quick | --smoke] [--no-nginx] [--only gateway|orgs|endpoints|container] [--out FILE] | --render FILE';
const DEFAULT_OUT = fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));

/** A suite that runs alone (`--only`): its figures and its table. */
const alone =
  <T>(suite: (p: Profile) => Promise<T>, render: (x: T) => string) =>
  async (p: Profile) => {
    const figures = await suite(p);
    return { figures, text: render(figures) };
  };
const ONLY = {
  gateway: alone(gatewaySuite, renderGateway),
  orgs: alone(orgsSuite, renderOrgs),
  endpoints: alone(endpointsSuite, renderEndpoints),
  container: alone(containerSuite, renderContainer),
};
type Only = keyof typeof ONLY;

export interface RunOptions {
  mode: Mode;
  nginx: boolean;
  out: string;
  /** Print the tables of an earlier result instead of running. */
  render: string | null;
  /** Run one suite alone (the machine may be shared). */
  only: Only | null;
}

export function parseArgs(argv: string[]): RunOptions {
  const opts: RunOptions = { mode: 'full', nginx: true, out: DEFAULT_OUT, render: null, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') opts.mode = 'quick';
    else if (a === '--smoke') opts.mode = 'smoke';
    else if (a === '--no-nginx') opts.nginx = false;
    else if (a === '--out' && argv[i + 1]) opts.out = resolve(argv[++i]!);
    else if (a === '--render' && argv[i + 1]) opts.render = resolve(argv[++i]!);
    else if (a === '--only' && Object.hasOwn(ONLY, argv[i + 1] ?? '')) opts.only = argv[++i] as Only;
    else throw new UsageError(`unknown option "${a}"; ${USAGE}`);
  }
  return opts;
}

class UsageError extends Error {}

const NOTES = [
  'The agent runs as shipped: the built CLI (`run`) with the Node flags of `npm start`, configured only by environment variables; the floor processes get the same flags.',
  'Simulator per-token limit raised to 100000000/min for the gateway and container runs (the default 300/min would answer 429); the own-calls run keeps 300/min.',
  'Processes: load generator, simulator, and each proxy (floor, agent, nginx with 1 worker) in its own process on the same machine; CPU and memory from /proc; CPU % is of one core.',
  'Alternating rounds: every case once per round, in the same order; ratios are taken within a round and reported as the median (min–max) over rounds.',
  'Saturation: autocannon, closed loop. Paced load: open-loop pacer (requests sent on schedule, latency from send to end of body).',
  'Container: cgroup v1 memory limit (memory.limit_in_bytes, and memsw where accounted); the agent is placed in the group before Node starts, so V8 sizes its heap from the limit.',
  "/metrics: the agent's Telemetry (families → OTel producer → Prometheus serializer) vs prom-client over the same synthetic series, each in its own process behind the same node:http listener; one warm-up scrape, then sequential scrapes.",
];

function machine() {
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    totalMemoryBytes: totalmem(),
  };
}

async function main(argv: string[]): Promise<number> {
  let opts: RunOptions;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`bench: ${err.message}\n`);
    return 2;
  }
  if (opts.render) {
    process.stdout.write(
      `${renderReport(benchResultSchema.parse(JSON.parse(readFileSync(opts.render, 'utf8'))))}\n`,
    );
    return 0;
  }
  const profile = profileFor(opts.mode, opts.nginx);
  const startedAt = new Date();
  if (opts.only) {
    const { figures, text } = await ONLY[opts.only](profile);
    const out =
      opts.out === DEFAULT_OUT ? DEFAULT_OUT.replace(/latest\.json$/, `${opts.only}.json`) : opts.out;
    mkdirSync(dirname(out), { recursive: true });
    const section = { mode: opts.mode, startedAt, machine: machine(), [opts.only]: figures };
    writeFileSync(out, `${JSON.stringify(section, null, 2)}\n`);
    process.stdout.write(`${text}\n\nwritten: ${out}\n`);
    return 0;
  }
  const t0 = performance.now();
  // The idle agent runs throughout, so its call window spans the whole benchmark.
  const ownCalls = await startOwnCalls();
  let gateway: BenchResult['gateway'];
  let metrics: BenchResult['metrics'];
  let idle: BenchResult['idle'];
  let container: BenchResult['container'];
  let orgs: BenchResult['orgs'];
  let endpoints: BenchResult['endpoints'];
  try {
    gateway = await gatewaySuite(profile);
    idle = await idleSuite(profile);
    container = await containerSuite(profile);
    metrics = await metricsSuite(profile);
    orgs = await orgsSuite(profile);
    endpoints = await endpointsSuite(profile);
  } catch (err) {
    await ownCalls.finish().catch(() => undefined);
    throw err;
  }
  const measured = {
    version: 2 as const,
    mode: opts.mode,
    startedAt: startedAt.toISOString(),
    durationSeconds: 0,
    machine: machine(),
    notes: NOTES,
    gateway,
    idle,
    container,
    shippedNodeFlags: [...NODE_FLAGS],
    metrics,
    ownCalls: await ownCalls.finish(),
    orgs,
    endpoints,
  };
  measured.durationSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const result = benchResultSchema.parse({ ...measured, targets: evaluateTargets(measured) });
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${renderReport(result)}\n\nwritten: ${opts.out}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
