import { realScheduler, type Scheduler } from '../lifecycle/scheduler.js';
import { systemClock, type Clock } from '../util/clock.js';
import { FailureEpisodes } from '../util/failure-episodes.js';
import { describeError, silentLogger, type Logger } from '../util/logger.js';
import type { SourceHealth } from './source.js';

export interface PollLoopOptions {
  name: string;
  org: string;
  intervalMs: number;
  /** One poll; rejects on failure. */
  run: (signal: AbortSignal) => Promise<void>;
  clock?: Clock;
  logger?: Logger;
  /** When the next poll runs (tests pass a ManualScheduler). */
  scheduler?: Scheduler;
}

/**
 * Runs a poll now and then every intervalMs (never overlapping), tracks health, and logs one
 * warning per failure episode (and one info when it recovers) instead of one per failed poll.
 */
export class PollLoop {
  private cancel: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private stopped = false;
  private readonly episodes = new FailureEpisodes();
  private state: SourceHealth = { up: false, lastSuccessMs: null, lastDurationMs: null, lastError: null };
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly scheduler: Scheduler;

  constructor(private readonly opts: PollLoopOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.scheduler = opts.scheduler ?? realScheduler;
  }

  start(): void {
    if (this.cancel || this.stopped) return;
    const tick = () => {
      // A failed poll is already in health and the log; the loop just carries on.
      void this.runOnce()
        .catch(() => {})
        .finally(() => {
          if (!this.stopped) this.cancel = this.scheduler.after(this.opts.intervalMs, tick);
        });
    };
    this.cancel = this.scheduler.after(0, tick);
  }

  /** Runs one poll (or joins the one in progress). */
  runOnce(): Promise<void> {
    this.running ??= this.poll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async poll(): Promise<void> {
    const started = this.clock.now();
    const ctx = { org: this.opts.org, source: this.opts.name };
    try {
      await this.opts.run(this.abort.signal);
      const now = this.clock.now();
      this.state = { up: true, lastSuccessMs: now, lastDurationMs: now - started, lastError: null };
      if (this.episodes.succeed()) this.logger.info(ctx, `${this.opts.name} source recovered`);
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
          `${this.opts.name} source failing; keeping the last good values`,
        );
      else this.logger.debug({ ...ctx, err: message }, `${this.opts.name} poll failed again`);
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
