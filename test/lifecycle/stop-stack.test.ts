import { describe, expect, it } from 'vitest';
import { StopStack } from '../../src/lifecycle/stop-stack.js';
import type { Logger } from '../../src/util/logger.js';

function recordingLogger(): Logger & { errors: { obj: object; msg?: string }[] } {
  const errors: { obj: object; msg?: string }[] = [];
  return {
    errors,
    debug() {},
    info() {},
    warn() {},
    error(obj, msg) {
      errors.push({ obj, ...(msg === undefined ? {} : { msg }) });
    },
  };
}

describe('StopStack', () => {
  it('stops in reverse order of registration, each exactly once; a second close is a no-op', async () => {
    const stack = new StopStack();
    const stopped: string[] = [];
    for (const name of ['simulator', 'client', 'telemetry', 'server', 'sources'])
      stack.push(name, async () => void stopped.push(name));
    expect(await stack.close()).toEqual([]);
    expect(stopped).toEqual(['sources', 'server', 'telemetry', 'client', 'simulator']);
    await stack.close();
    expect(stopped).toHaveLength(5);
  });

  it('a close while the first is still running waits for it and stops nothing twice', async () => {
    const stack = new StopStack();
    let calls = 0;
    let release!: () => void;
    stack.push('slow', () => {
      calls++;
      return new Promise<void>((r) => (release = r));
    });
    const first = stack.close();
    const second = stack.close();
    release();
    expect(await second).toEqual(await first);
    expect(calls).toBe(1);
  });

  it('a failing stop is logged and reported, and the others still stop', async () => {
    const logger = recordingLogger();
    const stack = new StopStack(logger);
    const stopped: string[] = [];
    stack.push('first', async () => void stopped.push('first'));
    stack.push('broken', async () => {
      throw new Error('socket already gone\nstack line');
    });
    stack.push('last', async () => void stopped.push('last'));
    const failures = await stack.close();
    expect(stopped).toEqual(['last', 'first']);
    expect(failures).toEqual([{ name: 'broken', error: 'socket already gone' }]);
    expect(logger.errors).toEqual([
      { obj: { service: 'broken', err: 'socket already gone' }, msg: 'stopping broken failed' },
    ]);
  });

  it('start() registers a service only once it started', async () => {
    const stack = new StopStack();
    const log: string[] = [];
    const ok = {
      name: 'ok',
      start: async () => void log.push('start ok'),
      stop: async () => void log.push('stop ok'),
    };
    const bad = {
      name: 'bad',
      start: async () => {
        throw new Error('EADDRINUSE');
      },
      stop: async () => void log.push('stop bad'),
    };
    await stack.start(ok);
    await expect(stack.start(bad)).rejects.toThrow('EADDRINUSE');
    await stack.close();
    expect(log).toEqual(['start ok', 'stop ok']);
  });

  it('something registered after close is stopped at once rather than leaked', async () => {
    const stack = new StopStack();
    await stack.close();
    let stopped = false;
    stack.push('late', async () => {
      stopped = true;
    });
    await stack.close();
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(true);
  });
});
