/**
 * One rendering of /metrics shared by the scrapes that start within WINDOW_MS of it (never older
 * data), rendered as the fastest reader pulls; each reader streams it with its own cursor, so a
 * stalled one costs a cursor, not a family's points (issue 25 item 4). Chunks are kept for late
 * joiners within the window and RETAIN_BYTES, then go once every reader passed them (a 10 000-client
 * scrape held whole broke the 128 MiB sizing).
 */
const WINDOW_MS = 1_000;
const RETAIN_BYTES = 8 * 1024 * 1024;

class Rendering {
  /** chunks[0] is chunk number `base`: once no reader can join, chunks all readers passed go. */
  private chunks: Buffer[] = [];
  private base = 0;
  private readonly cursors = new Set<{ at: number }>();
  private source: Iterator<string> | undefined;
  private failure: { err: unknown } | undefined;
  private retained = 0;
  /** Every reader gone and the chunks let go: nothing left to join. */
  private dropped = false;

  constructor(
    source: Iterable<string>,
    private readonly inWindow: () => boolean,
    private readonly retainBytes: number,
    private readonly idle: () => void,
    windowMs: number,
  ) {
    this.source = source[Symbol.iterator]();
    // Readers that stall past the window pull nothing: drop what they were all given anyway.
    setTimeout(() => this.trim(), windowMs).unref();
  }

  /** A reader from the first chunk, or null once a chunk was released (the scrape renders anew). */
  reader(): IterableIterator<Buffer> | null {
    if (this.base > 0 || this.dropped) return null;
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
        const chunk = Buffer.from(next.value);
        this.chunks.push(chunk);
        this.retained += chunk.length;
      } catch (err) {
        this.failure = { err };
        this.source = undefined;
      }
    }
    return this.chunks[i - this.base];
  }

  private trim(): void {
    // Kept from the first chunk while a scrape may still join, within the byte bound.
    if (this.base === 0 && this.retained <= this.retainBytes && this.inWindow()) return;
    let min = Infinity;
    for (const c of this.cursors) min = Math.min(min, c.at);
    if (min === Infinity) {
      this.dropped = true;
      this.chunks = [];
      this.source = undefined;
      return;
    }
    for (const c of this.chunks.splice(0, min - this.base)) this.retained -= c.length;
    this.base = min;
  }
}

/** Wraps a collection so that scrapes starting within `windowMs` of one another share it. */
export function sharedScrapes(
  collect: () => Promise<Iterable<string>>,
  opts: { windowMs?: number; retainBytes?: number; now?: () => number } = {},
): () => Promise<Iterable<Buffer>> {
  const windowMs = opts.windowMs ?? WINDOW_MS;
  const now = opts.now ?? Date.now;
  let current: { since: number; rendering: Promise<Rendering> } | null = null;
  const start = (t: number): Promise<IterableIterator<Buffer>> => {
    const made: NonNullable<typeof current> = {
      since: t,
      // Its last reader gone (idle), the next scrape collects afresh and this one can be freed.
      rendering: collect().then(
        (chunks) =>
          new Rendering(
            chunks,
            () => now() - t < windowMs,
            opts.retainBytes ?? RETAIN_BYTES,
            () => current === made && (current = null),
            windowMs,
          ),
      ),
    };
    current = made;
    // A failed collection is not shared: the next scrape tries again.
    made.rendering.catch(() => current === made && (current = null));
    // Registered first, so the starter's reader exists before any joiner's (and before any chunk goes).
    return made.rendering.then((r) => r.reader()!);
  };
  return async () => {
    const t = now();
    const joined = current && t - current.since < windowMs ? (await current.rendering).reader() : null;
    return joined ?? start(t);
  };
}
