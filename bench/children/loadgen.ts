/**
 * Bench child: the load generator, in its own process so it does not share a core's event loop
 * with the proxy it measures. Saturation uses autocannon (closed loop, N connections). Fixed
 * offered loads use an open-loop pacer: autocannon's per-connection rate cap sends each second's
 * quota as a burst at the start of the second, which measures burst queueing, not latency at a
 * steady rate.
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { childArgs, serveParent } from '../lib/ipc.js';
import { summarize, type LatencySummary } from '../lib/stats.js';

export interface SaturateArgs {
  url: string;
  path: string;
  tokens: string[];
  connections: number;
  durationS: number;
}
export interface SaturateResult {
  requestsPerSecond: number;
  total: number;
  non2xx: number;
  errors: number;
  latency: LatencySummary;
}

export interface PacedArgs {
  url: string;
  path: string;
  tokens: string[];
  rate: number;
  durationS: number;
  /** Sent at the same rate first and not measured, so connections are open and code is warm. */
  warmupS: number;
  connections: number;
}
export interface PacedResult {
  offeredPerSecond: number;
  achievedPerSecond: number;
  non2xx: number;
  errors: number;
  latency: LatencySummary;
}

function rotating(tokens: string[]): () => string {
  let i = 0;
  return () => `Bearer ${tokens[i++ % tokens.length]}`;
}

async function saturate(a: SaturateArgs): Promise<SaturateResult> {
  const auth = rotating(a.tokens);
  const r = await autocannon({
    url: a.url,
    connections: a.connections,
    duration: a.durationS,
    requests: [
      {
        method: 'GET',
        path: a.path,
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: auth() } }),
      },
    ],
  });
  return {
    requestsPerSecond: Math.round(r.requests.total / r.duration),
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    // autocannon's histogram has 1 ms resolution; good enough at saturation.
    latency: {
      samples: r.requests.total,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      p999Ms: r.latency.p99_9,
      maxMs: r.latency.max,
    },
  };
}

async function paced(a: PacedArgs): Promise<PacedResult> {
  const pool = new Pool(new URL(a.url).origin, { connections: a.connections, pipelining: 1 });
  try {
    if (a.warmupS > 0) await pacedRun(pool, a, a.warmupS);
    return await pacedRun(pool, a, a.durationS);
  } finally {
    await pool.close();
  }
}

/** Request i is due at start + i/rate; latency runs from the moment it is sent to the end of its body. */
async function pacedRun(pool: Pool, a: PacedArgs, durationS: number): Promise<PacedResult> {
  const auth = rotating(a.tokens);
  const total = Math.round(a.rate * durationS);
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  const inflight = new Set<Promise<void>>();
  const one = async (): Promise<void> => {
    const t0 = performance.now();
    try {
      const res = await pool.request({ path: a.path, method: 'GET', headers: { authorization: auth() } });
      await res.body.dump();
      latencies.push(performance.now() - t0);
      if (res.statusCode < 200 || res.statusCode >= 300) non2xx += 1;
    } catch {
      errors += 1;
    }
  };
  const start = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * a.rate) / 1000) + 1);
    while (sent < due) {
      const p = one();
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      sent += 1;
    }
    // A 1 ms timer, not setImmediate: spinning would take a core from the proxy under test.
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inflight);
  const elapsedS = (performance.now() - start) / 1000;
  return {
    offeredPerSecond: a.rate,
    achievedPerSecond: Math.round(latencies.length / elapsedS),
    non2xx,
    errors,
    latency: summarize(latencies),
  };
}

childArgs<Record<string, never>>();
serveParent(
  {},
  {
    saturate: (args) => saturate(args as SaturateArgs),
    paced: (args) => paced(args as PacedArgs),
  },
);
