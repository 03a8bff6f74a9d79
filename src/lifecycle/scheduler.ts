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
