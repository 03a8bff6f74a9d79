/** Runs a callback later; returns a function that cancels it. Injected so tests decide when time passes. */
export interface Scheduler {
  after(ms: number, fn: () => void): () => void;
}

/**
 * Real timers, unreferenced: a pending poll or demo call never keeps the process alive on its own
 * (the listeners and in-flight requests do).
 */
export const realScheduler: Scheduler = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** A scheduler that runs nothing until a test moves it. */
export class ManualScheduler implements Scheduler {
  private nowMs = 0;
  private seq = 0;
  private readonly queue: { at: number; seq: number; fn: () => void }[] = [];

  after(ms: number, fn: () => void): () => void {
    const entry = { at: this.nowMs + Math.max(0, ms), seq: this.seq++, fn };
    this.queue.push(entry);
    return () => {
      const i = this.queue.indexOf(entry);
      if (i >= 0) this.queue.splice(i, 1);
    };
  }

  /** Callbacks waiting to run. */
  get pending(): number {
    return this.queue.length;
  }

  /** Moves time forward, running every callback that falls due, in order. */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (!next || next.at > target) break;
      this.queue.shift();
      this.nowMs = next.at;
      next.fn();
    }
    this.nowMs = target;
  }
}
