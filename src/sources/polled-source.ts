import type { Scheduler } from '../lifecycle/scheduler.js';
import type { MetricFamily } from '../telemetry/families.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { PollLoop } from './poll-loop.js';
import type { Source, SourceHealth, SourceName } from './source.js';

/** How a polled source is timed; every polled source's options extend it. */
export interface PollSchedule {
  intervalMs: number;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
  scheduler?: Scheduler | undefined;
}

/** A source that polls Genesys on a cadence: the schedule and health come from one PollLoop. */
export abstract class PolledSource implements Source {
  private readonly loop: PollLoop;

  constructor(
    readonly name: SourceName,
    readonly org: string,
    schedule: PollSchedule,
  ) {
    this.loop = new PollLoop({
      name,
      org,
      intervalMs: schedule.intervalMs,
      ...(schedule.clock ? { clock: schedule.clock } : {}),
      ...(schedule.logger ? { logger: schedule.logger } : {}),
      ...(schedule.scheduler ? { scheduler: schedule.scheduler } : {}),
      run: (signal) => this.poll(signal),
    });
  }

  /** One poll; rejects on failure (the loop logs once per failure episode). */
  protected abstract poll(signal: AbortSignal): Promise<void>;

  abstract collect(nowMs: number): MetricFamily[];

  async start(): Promise<void> {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  runOnce(): Promise<void> {
    return this.loop.runOnce();
  }

  health(): SourceHealth {
    return this.loop.health();
  }
}
