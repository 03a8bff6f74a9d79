/**
 * Demo traffic: real HTTP through the gateway (client-credentials login, then GET calls) for a few
 * demo clients, so demo mode shows live per-token velocity. A `'ramp'` client climbs past the
 * per-token limit and meets real 429s, which it honours (Retry-After) like a well-behaved client.
 */
import { Agent, request } from 'undici';
import { z } from 'zod';
import { realScheduler, type Scheduler } from '../lifecycle/scheduler.js';
import type { RunningSimulator } from '../simulator/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/logger.js';

export interface DemoClient {
  id: string;
  secret: string;
  rpm: number | 'ramp';
}

export interface DemoTrafficOptions {
  gatewayUrl: string;
  clients: DemoClient[];
  clock?: Clock;
  logger?: Logger;
  scheduler?: Scheduler;
}

/** Ramp profile: start at 150/min and add 50/min every 10 s up to 450/min (past a 300 limit in ~30 s), so a demo moves within a minute. */
export const RAMP = { startRpm: 150, stepRpm: 50, stepEveryMs: 10_000, maxRpm: 450 } as const;
/** Concurrent requests per demo client: keeps the generator bounded when the upstream is slow. */
const MAX_INFLIGHT = 4;
/** Longest Retry-After the generator honours, so a demo never stalls for long. */
const MAX_PAUSE_MS = 60_000;
const PATHS = [
  '/api/v2/users?pageSize=25',
  '/api/v2/routing/queues?pageSize=25',
  '/api/v2/groups?pageSize=25',
];

const tokenSchema = z.object({ access_token: z.string().min(1) });

/** Requests per minute a demo client aims for, `elapsedMs` after it started. */
export function demoRate(rpm: number | 'ramp', elapsedMs: number): number {
  if (rpm !== 'ramp') return rpm;
  return Math.min(RAMP.maxRpm, RAMP.startRpm + RAMP.stepRpm * Math.floor(elapsedMs / RAMP.stepEveryMs));
}

/** Seconds from a Retry-After header (delta-seconds form), capped; 1 s when absent or odd. */
export function retryAfterMs(header: string | string[] | undefined): number {
  const n = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(n) && n > 0 ? Math.min(n * 1000, MAX_PAUSE_MS) : 1_000;
}

/** Demo clients whose real HTTP traffic goes through the gateway so the live panels move. */
export function demoTrafficClients(scenario: Pick<RunningSimulator['scenario'], 'clients'>): DemoClient[] {
  const runaway = scenario.clients.find((c) => c.traffic?.profile === 'runaway');
  const steady = scenario.clients.filter((c) => c !== runaway).slice(0, 2);
  return [
    ...steady.map((c, i) => ({ id: c.id, secret: c.secret, rpm: i === 0 ? 120 : 40 })),
    ...(runaway ? [{ id: runaway.id, secret: runaway.secret, rpm: 'ramp' as const }] : []),
  ];
}

/** Starts calling at once: the gateway must be listening. */
export function startDemoTraffic(opts: DemoTrafficOptions): { stop(): Promise<void> } {
  const clock = opts.clock ?? systemClock;
  const scheduler = opts.scheduler ?? realScheduler;
  const logger = opts.logger ?? silentLogger;
  const agent = new Agent({ connections: MAX_INFLIGHT * Math.max(1, opts.clients.length) });
  const ac = new AbortController();
  const runners = opts.clients.map(
    (c) => new DemoRunner(c, opts.gatewayUrl, agent, ac.signal, clock, scheduler, logger),
  );
  for (const r of runners) r.schedule();
  logger.info({ clients: opts.clients.map((c) => ({ id: c.id, rpm: c.rpm })) }, 'demo traffic started');
  let stopped: Promise<void> | null = null;
  return {
    stop() {
      stopped ??= (async () => {
        ac.abort();
        for (const r of runners) r.cancel();
        await Promise.all(runners.map((r) => r.idle()));
        await agent.close();
      })();
      return stopped;
    },
  };
}

class DemoRunner {
  private token: Promise<string> | null = null;
  private cancelTimer: (() => void) | null = null;
  private inflight = new Set<Promise<void>>();
  private pausedUntil = 0;
  private next = 0;
  private readonly startedMs: number;

  constructor(
    private readonly client: DemoClient,
    private readonly base: string,
    private readonly agent: Agent,
    private readonly signal: AbortSignal,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly logger: Logger,
  ) {
    this.startedMs = clock.now();
  }

  schedule(): void {
    if (this.signal.aborted) return;
    const rpm = demoRate(this.client.rpm, this.clock.now() - this.startedMs);
    this.cancelTimer = this.scheduler.after(Math.max(1, 60_000 / Math.max(rpm, 1)), () => this.tick());
  }

  cancel(): void {
    this.cancelTimer?.();
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }

  private tick(): void {
    if (this.signal.aborted) return;
    if (this.clock.now() >= this.pausedUntil && this.inflight.size < MAX_INFLIGHT) {
      const p = this.call().catch((err: unknown) => {
        if (!this.signal.aborted)
          this.logger.debug({ client: this.client.id, err: (err as Error).name }, 'demo call failed');
      });
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }
    this.schedule();
  }

  private async call(): Promise<void> {
    const token = await this.login();
    const path = PATHS[this.next++ % PATHS.length] ?? PATHS[0]!;
    const r = await request(this.base + path, {
      dispatcher: this.agent,
      headers: { authorization: `Bearer ${token}` },
      signal: this.signal,
    });
    await r.body.dump();
    if (r.statusCode === 429) {
      const wait = retryAfterMs(r.headers['retry-after']);
      if (this.clock.now() >= this.pausedUntil)
        this.logger.info(
          { client: this.client.id, retryAfterMs: wait },
          'demo client rate limited; backing off',
        );
      this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + wait);
    } else if (r.statusCode === 401) {
      this.token = null;
    }
  }

  /** One login shared by concurrent calls; forgotten on failure so the next call retries. */
  private login(): Promise<string> {
    this.token ??= (async () => {
      const r = await request(`${this.base}/oauth/token`, {
        dispatcher: this.agent,
        method: 'POST',
        headers: {
          authorization:
            'Basic ' +
            Buffer.from(
              `${encodeURIComponent(this.client.id)}:${encodeURIComponent(this.client.secret)}`,
            ).toString('base64'),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
        signal: this.signal,
      });
      if (r.statusCode !== 200) {
        await r.body.dump();
        throw new Error(`login answered ${r.statusCode}`);
      }
      return tokenSchema.parse(await r.body.json()).access_token;
    })();
    this.token.catch(() => {
      this.token = null;
    });
    return this.token;
  }
}
