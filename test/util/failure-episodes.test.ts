import { describe, expect, it } from 'vitest';
import type { OAuthClientInfo } from '../../src/genesys/api.js';
import { ClientsRefresher } from '../../src/sources/clients/refresher.js';
import { FailureEpisodes } from '../../src/util/failure-episodes.js';
import type { Logger } from '../../src/util/logger.js';
import { FakeClock } from '../helpers/clock.js';

/** Feeds a sequence of outcomes ('x' failure, 'o' success) and returns the lines it would log. */
function replay(episodes: FailureEpisodes, seq: string, key?: string): string[] {
  const lines: string[] = [];
  for (const c of seq) {
    if (c === 'x') lines.push(episodes.fail(key));
    else if (episodes.succeed(key)) lines.push('info');
  }
  return lines;
}

describe('FailureEpisodes', () => {
  it('warns on the first failure of an episode, debugs the repeats, and reports the recovery once', () => {
    expect(replay(new FailureEpisodes(), 'oxxxoooxoxx')).toEqual([
      'warn',
      'debug',
      'debug',
      'info',
      'warn',
      'info',
      'warn',
      'debug',
    ]);
  });

  it('a failure at the very start opens an episode; successes alone log nothing', () => {
    expect(replay(new FailureEpisodes(), 'x')).toEqual(['warn']);
    expect(replay(new FailureEpisodes(), 'oooo')).toEqual([]);
  });

  it('keeps one episode per key', () => {
    const e = new FailureEpisodes();
    expect(replay(e, 'xx', 'GET /a')).toEqual(['warn', 'debug']);
    expect(replay(e, 'x', 'GET /b')).toEqual(['warn']);
    expect(replay(e, 'o', 'GET /a')).toEqual(['info']);
    expect(replay(e, 'x', 'GET /b')).toEqual(['debug']);
  });
});

describe('ClientsRefresher logs once per failure episode', () => {
  it('warns once while listing fails, says when it works again, warns again on the next outage', async () => {
    const outcomes = [...'xxxoxx'];
    const api = {
      listOAuthClients: (): Promise<OAuthClientInfo[]> =>
        outcomes.shift() === 'x'
          ? Promise.reject(new Error('HTTP 503'))
          : Promise.resolve([{ id: 'c1', name: 'One' }]),
    };
    const lines: string[] = [];
    const record =
      (level: string) =>
      (_obj: object, msg?: string): void => {
        lines.push(`${level}: ${msg}`);
      };
    const logger: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const refresher = new ClientsRefresher(api, { org: 'o', clock: new FakeClock(0), logger });
    for (let i = 0; i < 6; i++) await refresher.refresh().catch(() => {});
    expect(lines).toEqual([
      'warn: could not list OAuth clients',
      'debug: could not list OAuth clients',
      'debug: could not list OAuth clients',
      'info: listing OAuth clients works again',
      'warn: could not list OAuth clients',
      'debug: could not list OAuth clients',
    ]);
  });
});
