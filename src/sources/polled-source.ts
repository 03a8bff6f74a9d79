import { realScheduler, type Scheduler } from '../lifecycle/scheduler.js';
import type { MetricFamily } from '../telemetry/families.js';
import { systemClock, type Clock } from '../util/clock.js';
import { FailureEpisodes } from '../util/failure-episodes.js';
import { describeError, silentLogger, type Logger } from '../util/logger.js';
import type { Source, SourceHealth, SourceName } from './source.js';

/** What every polled source's options carry: its org and timing. */
export interface PollSchedule {
  org: string;
  intervalMs: number;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  /** When the next poll runs (tests pass a ManualScheduler). */
  scheduler?: Scheduler | undefined;
}

/**
 * A source that polls Genesys now and then every intervalMs (never overlapping), tracks its health,
 * and logs one warning per failure episode (and one info when it recovers), not one per failed poll.
 */
export abstract class PolledSource implements Source {
  readonly org: string;
  protected readonly clock: Clock;
  protected readonly logger: Logger;
  private readonly scheduler: Scheduler;
  private readonly intervalMs: number;
  private cancel: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private stopped = false;
  private readonly episodes = new FailureEpisodes();
  private state: SourceHealth = { up: false, lastSuccessMs: null, lastDurationMs: null, lastError: null };

  constructor(
    readonly name: SourceName,
    schedule: PollSchedule,
  ) {
    this.org = schedule.org;
    this.intervalMs = schedule.intervalMs;
    this.clock = schedule.clock ?? systemClock;
    this.logger = schedule.logger ?? silentLogger;
    this.scheduler = schedule.scheduler ?? realScheduler;
  }

  /** One poll; rejects on failure. */
  protected abstract poll(signal: AbortSignal): Promise<void>;

  abstract collect(nowMs: number): MetricFamily[];

  async start(): Promise<void> {
    if (this.cancel || this.stopped) return;
    const tick = () => {
      // A failed poll is already in health and the log; the schedule just carries on.
      void this.runOnce()
        .catch(() => {})
        .finally(() => {
          if (!this.stopped) this.cancel = this.scheduler.after(this.intervalMs, tick);
        });
    };
    this.cancel = this.scheduler.after(0, tick);
  }

  /** Runs one poll (or joins the one in progress). */
  runOnce(): Promise<void> {
    this.running ??= this.tracked().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async tracked(): Promise<void> {
    const started = this.clock.now();
    const ctx = { org: this.org, source: this.name };
    try {
      await this.poll(this.abort.signal);
      const now = this.clock.now();
      this.state = { up: true, lastSuccessMs: now, lastDurationMs: now - started, lastError: null };
      if (this.episodes.succeed()) this.logger.info(ctx, `${this.name} source recovered`);
    } catch (err) {
      const message = describeError(err);
      this.state = {
        ...this.state,
        up: false,
        lastDurationMs: this.clock.now() - started,
        lastError: message,
      };
      if (this.episodes.fail() === 'warn' && !this.stopped)
        this.logger.warn(
          { ...ctx, err: message },
          `${this.name} source failing; keeping the last good values`,
        );
      else this.logger.debug({ ...ctx, err: message }, `${this.name} poll failed again`);
      throw err;
    }
  }

  health(): SourceHealth {
    return { ...this.state };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    this.cancel = null;
    this.abort.abort();
    await this.running?.catch(() => {});
  }
}
