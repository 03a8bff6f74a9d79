import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENDPOINT_CATALOGUE, renderEndpointCatalogue } from '../../scripts/endpoints.js';
import {
  OTHER_ENDPOINT,
  canonicalEndpoint,
  matchEndpoint,
  methodLabel,
} from '../../src/genesys/endpoints/index.js';
import { hostilePaths } from '../helpers/hostile-paths.js';

const ROOT = join(import.meta.dirname, '../..');
const committed = readFileSync(join(ROOT, ENDPOINT_CATALOGUE), 'utf8');
const paths = (JSON.parse(committed) as { paths: Record<string, string[]> }).paths;
const templates = new Set(Object.keys(paths));

describe('Genesys path catalogue', () => {
  it('is exactly what the pinned SDK declares (regenerate with `npm run generate`)', async () => {
    expect(committed).toBe(await renderEndpointCatalogue(ROOT));
    expect(templates.size).toBeGreaterThan(2000);
  });

  it('matches ids of any shape to their template, and the query string is not looked at', () => {
    expect(matchEndpoint('GET', '/api/v2/users/6f1c1f0e-1d2a-4b4b-9b8e-0d1c2b3a4f5e')).toBe(
      '/api/v2/users/{userId}',
    );
    expect(matchEndpoint('GET', '/api/v2/users/x y:z@1?expand=presence')).toBe('/api/v2/users/{userId}');
    expect(matchEndpoint('POST', '/api/v2/analytics/conversations/details/query')).toBe(
      '/api/v2/analytics/conversations/details/query',
    );
  });

  it('prefers literal segments over parameters, and backtracks when the literal leads nowhere', () => {
    expect(matchEndpoint('GET', '/api/v2/users/me')).toBe('/api/v2/users/me');
    expect(matchEndpoint('GET', '/api/v2/users/someone')).toBe('/api/v2/users/{userId}');
    // `me` is literal under users/, but only users/{userId}/queues exists below it.
    expect(paths['/api/v2/users/me/queues']).toBeUndefined();
    expect(matchEndpoint('GET', '/api/v2/users/me/queues')).toBe('/api/v2/users/{userId}/queues');
  });

  it('picks the template that lists the method where two differ only in a parameter name', () => {
    const get = matchEndpoint('GET', '/api/v2/chats/rooms/r1/messages/m1');
    const del = matchEndpoint('DELETE', '/api/v2/chats/rooms/r1/messages/m1');
    expect(paths[get]).toContain('GET');
    expect(paths[del]).toContain('DELETE');
    expect(get).not.toBe(del);
    // A method no template lists still names the path's template.
    expect(matchEndpoint('BREW', '/api/v2/users/me')).toBe('/api/v2/users/me');
  });

  it('never returns anything but a catalogue template or `other` for 1 000 hostile paths', () => {
    const seen = new Set(hostilePaths(1000).map((p) => matchEndpoint(pick(p), p)));
    expect([...seen]).toEqual([OTHER_ENDPOINT]);
    function pick(p: string) {
      return ['GET', 'POST', 'FOO', 'delete'][p.length % 4]!;
    }
  });

  it('labels methods from a closed set', () => {
    expect(methodLabel('get')).toBe('GET');
    expect(methodLabel('PROPFIND')).toBe('other');
  });

  it('maps Usage API templateUris to the catalogue spelling', () => {
    expect(canonicalEndpoint('api/v2/users/{userId}')).toBe('/api/v2/users/{userId}');
    expect(canonicalEndpoint('api/v2/users/{id}')).toBe('/api/v2/users/{userId}');
    expect(canonicalEndpoint('api/v2/users/me')).toBe('/api/v2/users/me');
    expect(canonicalEndpoint('/api/v2/users/me')).toBe('/api/v2/users/me');
    expect(canonicalEndpoint('api/v2/not/in/the/sdk')).toBe('/api/v2/not/in/the/sdk');
  });
});
