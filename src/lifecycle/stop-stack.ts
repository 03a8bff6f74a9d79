import { describeError, silentLogger, type Logger } from '../util/logger.js';
import type { Service } from './service.js';

export interface StopFailure {
  name: string;
  error: string;
}

/**
 * What has been started, stopped in reverse order exactly once. A failing stop is logged and
 * reported by `close()`, and never keeps the parts started before it from stopping.
 */
export class StopStack {
  private readonly entries: { name: string; stop: () => Promise<unknown> }[] = [];
  private closing: Promise<StopFailure[]> | null = null;

  constructor(private readonly logger: Logger = silentLogger) {}

  /** Registers how to stop something already running. After close() it is stopped at once. */
  push(name: string, stop: () => Promise<unknown>): void {
    if (this.closing) {
      void this.closing.then(() => this.stopOne({ name, stop }));
      return;
    }
    this.entries.push({ name, stop });
  }

  /** Starts a service and registers its stop; a service that fails to start is not registered. */
  async start<S extends Service>(service: S, name: string = service.name): Promise<S> {
    await service.start();
    this.push(name, () => service.stop());
    return service;
  }

  /** Stops everything, last started first; a second call returns the first call's outcome. */
  close(): Promise<StopFailure[]> {
    this.closing ??= (async () => {
      const failures: StopFailure[] = [];
      // Pop (not reverse()): the list is consumed, so nothing can ever be stopped twice.
      for (let entry = this.entries.pop(); entry; entry = this.entries.pop()) {
        const failure = await this.stopOne(entry);
        if (failure) failures.push(failure);
      }
      return failures;
    })();
    return this.closing;
  }

  private async stopOne(entry: { name: string; stop: () => Promise<unknown> }): Promise<StopFailure | null> {
    try {
      await entry.stop();
      return null;
    } catch (err) {
      const failure = { name: entry.name, error: describeError(err) };
      this.logger.error({ service: failure.name, err: failure.error }, `stopping ${failure.name} failed`);
      return failure;
    }
  }
}
