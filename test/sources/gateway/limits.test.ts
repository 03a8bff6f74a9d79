/** The gateway's pure guards: path refusal, login identity, per-caller caps, look-up budget, clients cap. */
import { describe, expect, it } from 'vitest';
import { GatewayMeasurements, OTHER_CLIENT } from '../../../src/model/gateway/measurements.js';
import { IdentityCache, type LookupFailure } from '../../../src/sources/gateway/identity.js';
import { ConnectionTokens, loginClientId, tokenOf } from '../../../src/sources/gateway/identity.js';
import { forwarded } from '../../../src/sources/gateway/headers.js';
import { ConcurrencyLimiter } from '../../../src/sources/gateway/limits.js';
import { routeOf } from '../../../src/sources/gateway/routes.js';
import { FakeClock } from '../../helpers/clock.js';

describe('routeOf: refused paths', () => {
  it.each([
    '/api/v2/..%2fx',
    '/api/v2/%2E%2E/x',
    '/api/v2/%252e%252e/x',
    '/api/v2/%25252e./x',
    '/api/v2/..;/x',
    '/api/v2/a;b',
    '/api/v2/a\\b',
    '/api/v2/a%5Cb',
    '/api/v2/a%2Fb',
    '/api/v2/%c0%af',
    '/api/v2/./x',
    '/api/v2/..',
  ])('refuses %s', (p) => expect(routeOf(p)).toBe('bad_path'));
  it.each([
    '/api/v2/users/me',
    '/api/v2/users?q=a;b/../c',
    '/oauth/token',
    '/api/v2/a.b/c..d',
    '/api/v2/%20x',
  ])('passes %s', (p) => expect(routeOf(p)).not.toBe('bad_path'));
});

/** The headers a request with this Authorization (and others) is forwarded with. */
const sent = (authorization?: string, others: Record<string, string> = {}) =>
  forwarded({ ...(authorization === undefined ? {} : { authorization }), ...others });

/** `Connection` values that make the gateway strip Authorization (Node joins repeated headers with ", "). */
const STRIPPING = [
  'close, authorization',
  'Authorization',
  'keep-alive , AUTHORIZATION',
  'keep-alive, Authorization',
  ',\tauthorization ,',
  'x-a, aUtHoRiZaTiOn, x-b',
];

describe('loginClientId', () => {
  const b64 = Buffer.from('real-client:secret').toString('base64');
  const victim = `Basic ${Buffer.from('victim:x').toString('base64')}`;
  it('decodes Basic as the login host does, whitespace inside included, and ignores the form then', () => {
    expect(loginClientId(sent(`Basic ${b64.slice(0, 5)} ${b64.slice(5)}`), 'client_id=victim')).toBe(
      'real-client',
    );
    expect(loginClientId(sent(`basic   ${b64}  `), 'client_id=victim')).toBe('real-client');
  });
  it('never falls back to the form when an Authorization header is forwarded', () => {
    for (const h of [
      'Bearer x',
      'Basic %%%%',
      'Basic ',
      `Basic ${b64}!`,
      `Basic ${Buffer.from('nocolon').toString('base64')}`,
    ])
      expect(loginClientId(sent(h), 'client_id=victim'), h).toBeNull();
  });
  it('takes a single form client_id only, and only from a form sent as is', () => {
    expect(loginClientId(sent(), 'client_id=a&client_secret=s')).toBe('a');
    expect(loginClientId(sent(), 'client_id=a&client_id=b')).toBeNull();
    expect(loginClientId(sent(undefined, { 'content-encoding': 'gzip' }), 'client_id=a')).toBeNull();
    // The host may read another body type, or a query, where the form's id is not the one it uses.
    const form = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };
    expect(loginClientId(sent(undefined, form), 'client_id=a')).toBe('a');
    for (const type of ['application/json', 'text/plain', 'multipart/form-data; boundary=x'])
      expect(loginClientId(sent(undefined, { 'content-type': type }), 'x=1&client_id=a'), type).toBeNull();
    for (const query of ['client_id=b', 'client_secret=s', 'a=1&client_id=a'])
      expect(loginClientId(sent(undefined, form), 'client_id=a', query), query).toBeNull();
  });
  it.each(STRIPPING)('reads the form, not an Authorization the gateway strips (Connection: %s)', (c) => {
    expect(loginClientId(sent(victim, { connection: c }), 'client_id=real&client_secret=s')).toBe('real');
  });
  it('never reads Proxy-Authorization', () => {
    expect(loginClientId(sent(undefined, { 'proxy-authorization': victim }), 'client_id=real')).toBe('real');
  });
});

describe('ConcurrencyLimiter', () => {
  it('caps each key and forgets keys with nothing open', () => {
    const l = new ConcurrencyLimiter(2);
    expect([l.tryAcquire('a'), l.tryAcquire('a'), l.tryAcquire('a'), l.tryAcquire('b')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    l.release('a');
    expect(l.tryAcquire('a')).toBe(true);
    l.release('a');
    l.release('a');
    l.release('b');
    expect(l.size()).toBe(0);
  });
});

describe('IdentityCache look-ups', () => {
  it('spend their own budget, then count as unknown without calling, and never wait long', async () => {
    const clock = new FakeClock();
    const failures: LookupFailure[] = [];
    let calls = 0;
    const cache = new IdentityCache({
      maxEntries: 100,
      clock,
      lookupsPerMinute: 3,
      lookupWaitMs: 50,
      resolveToken: async (bearer) => {
        calls++;
        if (bearer === 'slow') await new Promise((r) => setTimeout(r, 300));
        return { clientId: `c-${bearer}`, clientName: '' };
      },
      onResolveError: (f) => failures.push(f),
    });
    expect((await cache.identify(tokenOf('a'))).clientId).toBe('c-a');
    const t0 = performance.now();
    expect((await cache.identify(tokenOf('slow'))).clientId).toBe('unknown');
    expect(performance.now() - t0).toBeLessThan(250);
    await new Promise((r) => setTimeout(r, 350));
    expect((await cache.identify(tokenOf('slow'))).clientId).toBe('c-slow'); // learnt in the background
    expect((await cache.identify(tokenOf('b'))).clientId).toBe('c-b');
    expect((await cache.identify(tokenOf('c'))).clientId).toBe('unknown');
    expect(calls).toBe(3);
    expect(failures).toEqual(['budget']);
    clock.advance(60_000);
    expect((await cache.identify(tokenOf('c'))).clientId).toBe('c-c');
  });
});

describe('IdentityCache memory', () => {
  it('remembers a failed look-up for negativeTtlMs of its clock, a learnt token until evicted', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const cache = new IdentityCache({
      maxEntries: 2,
      clock,
      negativeTtlMs: 1_000,
      resolveToken: () => {
        calls++;
        return Promise.reject(Object.assign(new Error('no'), { status: 401 }));
      },
    });
    expect((await cache.identify(tokenOf('bad'))).clientId).toBe('unknown');
    clock.advance(999);
    expect((await cache.identify(tokenOf('bad'))).clientId).toBe('unknown');
    expect(calls).toBe(1);
    clock.advance(2);
    await cache.identify(tokenOf('bad'));
    expect(calls).toBe(2);
    cache.learn(tokenOf('bad').key, 'c-1'); // a login that minted it wins over the failure
    clock.advance(5_000);
    expect(cache.identify(tokenOf('bad'))).toMatchObject({ clientId: 'c-1' });
    cache.learn(tokenOf('x').key, 'c-x');
    cache.learn(tokenOf('y').key, 'c-y'); // the least recently used ('bad') goes
    expect(cache.size()).toBe(2);
    expect(await cache.identify(tokenOf('bad'))).toMatchObject({ clientId: 'unknown' });
  });
});

describe('clients cap', () => {
  it('counts clients beyond the cap as other and counts the overflow', () => {
    const m = new GatewayMeasurements(1_000, 2);
    for (const id of ['a', 'b', 'c', 'd', 'a'])
      m.finish(m.start(`t-${id}`, id, 0), { method: 'GET', status: 200 }, 0);
    const ids = m
      .snapshot(
        0,
        (x) => x,
        () => 300,
      )
      .map((c) => c.clientId);
    expect(ids.sort()).toEqual(['a', 'b', OTHER_CLIENT]);
    expect(m.overflowCount()).toBe(2);
  });
});

describe('ConnectionTokens', () => {
  it("reads a connection's token once until its header changes, and keeps connections apart", () => {
    const tokens = new ConnectionTokens();
    const a = {};
    const b = {};
    const first = tokens.of(a, sent('Bearer t-1'));
    expect(first).toEqual(tokenOf('t-1'));
    expect(tokens.of(a, sent('Bearer t-1'))).toBe(first);
    expect(tokens.of(b, sent('Bearer t-2'))).toEqual(tokenOf('t-2'));
    expect(tokens.of(a, sent('Bearer t-2'))).toEqual(tokenOf('t-2'));
    expect(tokens.of(a, sent('Bearer t-1'))).toEqual(tokenOf('t-1'));
    expect(tokens.of(a, sent('Basic dTpw'))).toBeNull();
    expect(tokens.of(a, sent())).toBeNull();
    expect(tokens.of(a, sent('Bearer t-1'))).toEqual(tokenOf('t-1'));
  });
  it.each(STRIPPING)('knows no token the gateway strips (Connection: %s)', (c) => {
    const tokens = new ConnectionTokens();
    expect(tokens.of({}, sent('Bearer t-1', { connection: c }))).toBeNull();
    expect(tokens.of({}, sent(undefined, { 'proxy-authorization': 'Bearer t-1' }))).toBeNull();
  });
});
