/**
 * Start-up (module loading, configuration, the first polls) grows V8's young generation to its
 * full semi-space size and leaves garbage that an idle agent never collects: V8's own memory
 * reducer is armed by a full GC, and a small idle heap never runs one. One memory-reducing full GC,
 * once the agent is ready, gives that memory back (about 9 MB; docs/performance.md). It runs once,
 * not on a timer: a busy gateway keeps its full semi-spaces, which save it CPU per request, and
 * after a busy spell V8's memory reducer is armed by the full GCs the load itself caused.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Scheduler } from '../lifecycle/scheduler.js';

/** How often readiness is looked at, and how long start-up may take before the GC runs anyway. */
export const SETTLE_CHECK_MS = 500;
export const SETTLE_MAX_WAIT_MS = 60_000;

export interface SettleOptions {
  /** True once start-up's work is done (every source has succeeded once). */
  ready: () => boolean;
  collect: () => void;
  scheduler: Scheduler;
  checkEveryMs?: number;
  maxWaitMs?: number;
}

/**
 * Calls `collect` exactly once: at the first check that finds the agent ready, or when `maxWaitMs`
 * has passed (an agent whose sources keep failing holds the same start-up garbage). Returns a
 * cancel function for shutdown.
 */
export function settleOnceReady(opts: SettleOptions): () => void {
  const every = opts.checkEveryMs ?? SETTLE_CHECK_MS;
  const maxWait = opts.maxWaitMs ?? SETTLE_MAX_WAIT_MS;
  let waited = 0;
  let cancel = () => {};
  const check = () => {
    waited += every;
    if (opts.ready() || waited >= maxWait) opts.collect();
    else cancel = opts.scheduler.after(every, check);
  };
  cancel = opts.scheduler.after(every, check);
  return () => cancel();
}

type V8Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * V8's `gc()` in its memory-reducing flavour, which also shrinks the young generation. Without
 * `--expose-gc` the function is taken from a fresh context, so it never appears on the agent's
 * global object, and the flag is switched off again at once (Node keeps V8's flags writable).
 * Throws if this V8 does not provide it.
 */
export function collectGarbageReducingMemory(): void {
  let gc = (globalThis as { gc?: V8Gc }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    try {
      gc = runInNewContext('gc') as V8Gc;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
