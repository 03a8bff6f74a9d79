import { describe, expect, it } from 'vitest';
import { routeOf } from '../../../src/sources/gateway/routes.js';
import { endToEnd, forwarded } from '../../../src/sources/gateway/headers.js';
import { loginClientId, bearerOf } from '../../../src/sources/gateway/identity.js';

describe('routeOf', () => {
  it('accepts plain and setGateway-prefixed paths, keeping the query', () => {
    expect(routeOf('/oauth/token')).toEqual({ upstream: 'login', path: '/oauth/token' });
    expect(routeOf('/login/oauth/token')).toEqual({ upstream: 'login', path: '/oauth/token' });
    expect(routeOf('/api/v2/users?pageSize=1')).toEqual({
      upstream: 'api',
      path: '/api/v2/users?pageSize=1',
    });
    expect(routeOf('/api/api/v2/users/me')).toEqual({ upstream: 'api', path: '/api/v2/users/me' });
    expect(routeOf('/gw/genesys/api/v2/x')).toEqual({ upstream: 'api', path: '/api/v2/x' });
  });
  it('takes a prefix ending in api/v2 as a prefix (setGateway path_params_api: "api/v2")', () => {
    expect(routeOf('/api/v2/api/v2/users?pageSize=1')).toEqual({
      upstream: 'api',
      path: '/api/v2/users?pageSize=1',
    });
    expect(routeOf('/gw/api/v2/api/v2')).toEqual({ upstream: 'api', path: '/api/v2' });
    expect(routeOf('/api/v2/oauth/token')).toEqual({ upstream: 'login', path: '/oauth/token' });
    expect(routeOf('/api/v2/api/v2x')).toEqual({ upstream: 'api', path: '/api/v2/api/v2x' });
  });
  it('refuses other paths and dot segments', () => {
    expect(routeOf('/')).toBeNull();
    expect(routeOf('/metrics')).toBeNull();
    expect(routeOf('/api/v3/users')).toBeNull();
    expect(routeOf('/api/v2/../../admin')).toBe('bad_path');
    expect(routeOf('/api/v2/%2E%2E/admin')).toBe('bad_path');
  });
});

describe('endToEnd', () => {
  it('drops hop-by-hop headers and those Connection lists, keeps the rest unchanged', () => {
    expect(
      endToEnd({
        connection: 'keep-alive, X-Hop',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        te: 'trailers',
        trailer: 'x',
        upgrade: 'h2c',
        'proxy-authorization': 'Basic x',
        'x-hop': '1',
        'retry-after': '42',
        'inin-correlation-id': 'abc',
        'content-type': 'application/json',
        'set-cookie': ['a=1', 'b=2'],
      }),
    ).toEqual({
      'retry-after': '42',
      'inin-correlation-id': 'abc',
      'content-type': 'application/json',
      'set-cookie': ['a=1', 'b=2'],
    });
  });
});

describe('identity parsing', () => {
  it('reads the client id from Basic auth (form-encoded) or the form body', () => {
    const basic = 'Basic ' + Buffer.from('my%20client:s3cret').toString('base64');
    expect(loginClientId(forwarded({ authorization: basic }), 'grant_type=client_credentials')).toBe(
      'my client',
    );
    expect(loginClientId(forwarded({}), 'grant_type=client_credentials&client_id=abc&client_secret=x')).toBe(
      'abc',
    );
    expect(loginClientId(forwarded({}), 'grant_type=client_credentials')).toBeNull();
  });
  it('extracts bearer tokens only', () => {
    expect(bearerOf('Bearer abc.def')).toBe('abc.def');
    expect(bearerOf('bearer x')).toBe('x');
    expect(bearerOf('Basic x')).toBeNull();
    expect(bearerOf(undefined)).toBeNull();
  });
});
