/** Concurrent /metrics scrapes share one collection and one rendering (issue 25 item 4). */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { sharedScrapes } from '../../src/server/shared-scrape.js';
import { buildSnapshot } from '../../src/server/snapshot.js';
import { BOUNDARIES, FakeClock } from '../helpers/clock.js';

/** A collection of `chunks` numbered chunks, each tagged with the collection's number. */
function counting(chunks = 3) {
  const c = {
    collections: 0,
    pulled: 0,
    scrapeChunks: async () => {
      const n = ++c.collections;
      return (function* () {
        for (let i = 0; i < chunks; i++) {
          c.pulled += 1;
          yield `m{collection="${n}",chunk="${i}"} 1\n`;
        }
      })();
    },
  };
  return c;
}

const text = (chunks: Iterable<Buffer>) => Buffer.concat([...chunks]).toString();

describe('shared scrapes', () => {
  it('N concurrent /metrics scrapes cause one collection, and each gets the whole exposition', async () => {
    const telemetry = counting(50);
    const app = await buildServer({
      logger: false,
      telemetry,
      snapshot: () => buildSnapshot([], BOUNDARIES.firstMinuteOfMonth, false),
      readiness: () => ({ ready: true, sources: [] }),
      readers: { writeTimeoutMs: 30_000, maxConcurrentScrapes: 4 },
    });
    const answers = await Promise.all(Array.from({ length: 4 }, () => app.inject('/metrics')));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    expect(telemetry.collections).toBe(1);
    // Rendered once: every chunk was pulled from the collection once, not once per reader.
    expect(telemetry.pulled).toBe(50);
    for (const a of answers) expect(a.body.match(/^m\{collection="1"/gm)).toHaveLength(50);
    await app.close();
  });

  it('readers of one rendering are handed the same Buffers, each from its own cursor', async () => {
    const clock = new FakeClock();
    const scrape = sharedScrapes(counting().scrapeChunks, { now: () => clock.now() });
    const [a, b] = await Promise.all([scrape(), scrape()]);
    const first = a[Symbol.iterator]().next().value!;
    const rest = [...a];
    expect([...b]).toEqual([first, ...rest]);
    const again = [...(await scrape())];
    expect(again).toHaveLength(3);
  });

  it('a scrape starting a window after the collection gets a new one, never older data', async () => {
    const clock = new FakeClock();
    const telemetry = counting();
    const scrape = sharedScrapes(telemetry.scrapeChunks, { now: () => clock.now(), windowMs: 1_000 });
    const held = (await scrape())[Symbol.iterator]();
    held.next();
    clock.advance(999);
    expect(text(await scrape())).toContain('collection="1"');
    clock.advance(1);
    expect(text(await scrape())).toContain('collection="2"');
    // The first reader, still held, reads its own collection to the end.
    expect([...{ [Symbol.iterator]: () => held }].map(String)).toEqual([
      'm{collection="1",chunk="1"} 1\n',
      'm{collection="1",chunk="2"} 1\n',
    ]);
    expect(telemetry.collections).toBe(2);
  });

  it('past RETAIN_BYTES, chunks every reader has passed go at once: a later scrape renders anew, even within the window', async () => {
    const clock = new FakeClock();
    const telemetry = counting();
    const scrape = sharedScrapes(telemetry.scrapeChunks, {
      now: () => clock.now(),
      windowMs: 1_000,
      retainBytes: 0,
    });
    const held = (await scrape())[Symbol.iterator]();
    held.next();
    clock.advance(10);
    expect(text(await scrape())).toContain('collection="2"');
    expect([...{ [Symbol.iterator]: () => held }].map(String)).toEqual([
      'm{collection="1",chunk="1"} 1\n',
      'm{collection="1",chunk="2"} 1\n',
    ]);
  });

  it('a scrape joins a rendering a fast reader has already drained while a stalled one holds it', async () => {
    const clock = new FakeClock();
    const telemetry = counting();
    const scrape = sharedScrapes(telemetry.scrapeChunks, { now: () => clock.now() });
    const [fast, stalled] = await Promise.all([scrape(), scrape()]);
    expect([...fast]).toHaveLength(3);
    clock.advance(100);
    expect(text(await scrape())).toContain('collection="1"');
    expect([...stalled]).toHaveLength(3);
    expect(telemetry.collections).toBe(1);
  });

  it('once its last reader is done, the next scrape collects afresh', async () => {
    const telemetry = counting();
    const scrape = sharedScrapes(telemetry.scrapeChunks, { now: () => 0 });
    expect(text(await scrape())).toContain('collection="1"');
    expect(text(await scrape())).toContain('collection="2"');
  });

  it('a failed collection is a 500 and is not shared; a family that fails ends every reader with the error', async () => {
    let calls = 0;
    const app = await buildServer({
      logger: pino({ level: 'silent' }),
      telemetry: {
        scrapeChunks: async () => {
          calls += 1;
          if (calls === 1) throw new Error('listing failed');
          return ['ok 1\n'];
        },
      },
      snapshot: () => buildSnapshot([], BOUNDARIES.firstMinuteOfMonth, false),
      readiness: () => ({ ready: true, sources: [] }),
    });
    const failed = await app.inject('/metrics');
    expect(failed.statusCode).toBe(500);
    expect(failed.body).toContain('metric collection failed');
    expect((await app.inject('/metrics')).body).toBe('ok 1\n');
    await app.close();

    const scrape = sharedScrapes(
      async () =>
        (function* () {
          yield 'a 1\n';
          throw new Error('family failed');
        })(),
      { now: () => 0 },
    );
    const [a, b] = await Promise.all([scrape(), scrape()]);
    expect(() => [...a]).toThrow('family failed');
    expect(() => [...b]).toThrow('family failed');
  });
});
