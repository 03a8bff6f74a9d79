/** Issue 24 items 2 and 5: how one usage row counts its 429s, and its endpoint as a label value. */
import { describe, expect, it } from 'vitest';
import { endpointOf, split429 } from '../../src/genesys/usage.js';
import { usageQueryBody } from '../../src/genesys/requests.js';

const counters = { status200: 80, status300: 2, status400: 15, status429: 9, status500: 3 };

describe('split429: the row says whether status400 holds its 429s', () => {
  it('requests = 2xx+3xx+4xx+5xx: the 429s are inside status400', () => {
    expect(split429({ ...counters, requests: 100 })).toEqual({
      requests: 100,
      status200: 80,
      status300: 2,
      status4xx: 6,
      status429: 9,
      status500: 3,
    });
  });

  it('requests = that + 429 (the usage-api-blueprint Month row): beside it', () => {
    expect(split429({ ...counters, requests: 109 })).toMatchObject({
      requests: 109,
      status4xx: 15,
      status429: 9,
    });
    // The published row itself: status400 0 beside status429 12.
    const blueprint = {
      status200: 100,
      status300: 0,
      status400: 0,
      status429: 12,
      status500: 0,
      requests: 112,
    };
    expect(split429(blueprint)).toMatchObject({ status4xx: 0, status429: 12 });
  });

  it('no requests: beside it (the published row), requests summed from the classes', () => {
    expect(split429({ ...counters })).toMatchObject({ requests: 109, status4xx: 15, status429: 9 });
    expect(split429({ ...counters, requests: null })).toMatchObject({ requests: 109, status4xx: 15 });
  });

  it('never a negative count, whatever the row says', () => {
    const odd = { status200: 0, status300: 0, status400: 2, status429: 9, status500: 0, requests: 2 };
    expect(split429(odd).status4xx).toBe(0);
    const c = split429({ ...counters, requests: 7 }); // matches neither: the default
    expect(Object.values(c).every((v) => v >= 0)).toBe(true);
  });

  it('a row off either sum by a few requests is read by the nearer one, never counting its 429s twice', () => {
    // classes = 100, + 429 = 109: 101 is nearer 100, so the 429s are inside status400.
    expect(split429({ ...counters, requests: 101 }).status4xx).toBe(6);
    // 108 is nearer 109: beside.
    expect(split429({ ...counters, requests: 108 }).status4xx).toBe(15);
  });
});

describe('endpointOf', () => {
  it('adds the leading slash the Usage API leaves out, keeps one that is there, upper-cases the method', () => {
    expect(endpointOf('api/v2/users/{userId}', 'get')).toEqual({
      endpoint: '/api/v2/users/{userId}',
      method: 'GET',
    });
    expect(endpointOf('/api/v2/users/me', 'GET')).toEqual({ endpoint: '/api/v2/users/me', method: 'GET' });
  });

  it("spells a template as the gateway's catalogue does, whatever the Usage API named its parameters", () => {
    expect(endpointOf('api/v2/users/{id}', 'GET').endpoint).toBe('/api/v2/users/{userId}');
  });

  it('anything that is not a template or a method is other, never the raw text', () => {
    expect(endpointOf(undefined, null)).toEqual({ endpoint: 'other', method: 'other' });
    expect(endpointOf('', 'BREW')).toEqual({ endpoint: 'other', method: 'other' });
    expect(endpointOf('api/v2/users/"}\n<script>', 'GET').endpoint).toBe('other');
    expect(endpointOf(`api/v2/${'x'.repeat(300)}`, 'GET').endpoint).toBe('other');
  });
});

it('the endpoint query groups by TemplateUri and HttpMethod in both APIs', () => {
  const q = { interval: '2026-01-14T00:00:00Z/2026-01-14T23:59:59.999Z', byEndpoint: true };
  expect(usageQueryBody(q, 'jobs').groupBy).toEqual([
    'OauthClientId',
    'OauthClientName',
    'TemplateUri',
    'HttpMethod',
  ]);
  expect(usageQueryBody(q, 'legacy').groupBy).toEqual(['OAuthClientId', 'TemplateUri', 'HttpMethod']);
  expect(usageQueryBody({ interval: q.interval }, 'legacy').groupBy).toEqual(['OAuthClientId']);
});
