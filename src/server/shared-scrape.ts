/**
 * One rendering of /metrics shared by every scrape that starts within a second of it: rendered
 * once, as the fastest reader pulls, into Buffers that each reader streams with its own cursor. A
 * reader then costs a cursor and its socket's buffers whatever the org's size, where a rendering
 * per reader held one family's points each (issue 25 item 4). A scrape never gets data collected
 * more than WINDOW_MS before it started.
 */
const WINDOW_MS = 1_000;

class Rendering {
  /** chunks[0] is chunk number `base`: once no reader can join, chunks all readers passed go. */
  private chunks: Buffer[] = [];
  private base = 0;
  private readonly cursors = new Set<{ at: number }>();
  private source: Iterator<string> | undefined;
  private failure: { err: unknown } | undefined;

  constructor(
    source: Iterable<string>,
    private readonly joinable: () => boolean,
    private readonly idle: () => void,
    windowMs: number,
  ) {
    this.source = source[Symbol.iterator]();
    // Readers that stall past the window pull nothing: drop what they were all given anyway.
    setTimeout(() => this.trim(), windowMs).unref();
  }

  reader(): IterableIterator<Buffer> {
    if (this.base > 0) throw new Error('scrape joined a rendering already released in part');
    const cursor = { at: 0 };
    this.cursors.add(cursor);
    const end = (): IteratorResult<Buffer> => {
      if (this.cursors.delete(cursor)) {
        this.trim();
        if (this.cursors.size === 0) this.idle();
      }
      return { done: true, value: undefined };
    };
    const it: IterableIterator<Buffer> = {
      [Symbol.iterator]: () => it,
      next: () => {
        const chunk = this.chunk(cursor.at);
        if (!chunk) return end();
        cursor.at += 1;
        this.trim();
        return { done: false, value: chunk };
      },
      return: end,
    };
    return it;
  }

  private chunk(i: number): Buffer | undefined {
    while (i - this.base >= this.chunks.length) {
      // A family that failed to build ends every reader's stream with the error, never a short 200.
      if (this.failure) throw this.failure.err;
      try {
        const next = this.source?.next();
        if (!next || next.done) {
          this.source = undefined;
          return undefined;
        }
        this.chunks.push(Buffer.from(next.value));
      } catch (err) {
        this.failure = { err };
        this.source = undefined;
      }
    }
    return this.chunks[i - this.base];
  }

  private trim(): void {
    if (this.joinable()) return;
    let min = Infinity;
    for (const c of this.cursors) min = Math.min(min, c.at);
    if (min === Infinity) {
      this.chunks = [];
      this.source = undefined;
      return;
    }
    this.chunks.splice(0, min - this.base);
    this.base = min;
  }
}

/** Wraps a collection so that scrapes starting within `windowMs` of one another share it. */
export function sharedScrapes(
  collect: () => Promise<Iterable<string>>,
  opts: { windowMs?: number; now?: () => number } = {},
): () => Promise<Iterable<Buffer>> {
  const windowMs = opts.windowMs ?? WINDOW_MS;
  const now = opts.now ?? Date.now;
  let current: { since: number; rendering: Promise<Rendering> } | null = null;
  return async () => {
    const t = now();
    if (!current || t - current.since >= windowMs) {
      const made: typeof current = {
        since: t,
        rendering: collect().then(
          (chunks) =>
            new Rendering(
              chunks,
              () => now() - t < windowMs,
              // Its last reader is gone: the next scrape collects afresh, this one can be freed.
              () => current === made && (current = null),
              windowMs,
            ),
        ),
      };
      current = made;
      // A failed collection is not shared: the next scrape tries again.
      made.rendering.catch(() => current === made && (current = null));
    }
    return (await current.rendering).reader();
  };
}
