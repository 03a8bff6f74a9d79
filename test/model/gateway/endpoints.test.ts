/** Per-endpoint gateway measurements: counts by status class, velocity, the combination cap, expiry. */
import { describe, expect, it } from 'vitest';
import { EndpointCap } from '../../../src/model/gateway/endpoints.js';
import { GatewayMeasurements } from '../../../src/model/gateway/measurements.js';
import { gatewayFamilies } from '../../../src/sources/gateway/families.js';
import { catalogue } from '../../../src/telemetry/catalogue.js';
import { FakeClock } from '../../helpers/clock.js';
import { pointValue, pointsOf } from '../../helpers/families.js';

const ctx = { org: 'o1', nameOf: (id: string) => id, limitOf: () => 300 };
const USER = '/api/v2/users/{userId}';
const ME = '/api/v2/users/me';

function call(
  m: GatewayMeasurements,
  clock: FakeClock,
  client: string,
  endpoint: string,
  status = 200,
  method = 'GET',
) {
  m.finish(
    m.start(`tok-${client}`, client, clock.now(), { endpoint, method }),
    { method, status },
    clock.now(),
  );
}

describe('gateway endpoint measurements', () => {
  it('counts per client, endpoint and method by status class, 429s included, and the 60 s velocity', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements();
    for (let i = 0; i < 30; i++) {
      call(m, clock, 'c1', USER, i % 10 === 0 ? 429 : 200);
      clock.advance(1_000);
    }
    call(m, clock, 'c1', ME);
    call(m, clock, 'c2', USER, 500, 'patch');
    const fams = gatewayFamilies(m, clock.now(), ctx);
    const req = catalogue.gatewayEndpointRequests;
    const c1User = { client_id: 'c1', endpoint: USER, method: 'GET' };
    expect(pointValue(fams, req, { ...c1User, status_class: '2xx' })).toBe(27);
    expect(pointValue(fams, req, { ...c1User, status_class: '429' })).toBe(3);
    expect(
      pointValue(fams, req, { client_id: 'c2', endpoint: USER, method: 'PATCH', status_class: '5xx' }),
    ).toBe(1);
    // Classes never seen have no series.
    expect(pointsOf(fams, req).filter((p) => p.attributes.status_class === '4xx')).toEqual([]);
    expect(pointValue(fams, catalogue.gatewayEndpointRequestsPerMinute, c1User)).toBe(30);

    clock.advance(45_000);
    const later = gatewayFamilies(m, clock.now(), ctx);
    expect(pointValue(later, catalogue.gatewayEndpointRequestsPerMinute, c1User)).toBe(14); // the calls of seconds 16..29

    const [row] = m.snapshot(clock.now(), ctx.nameOf, ctx.limitOf).filter((c) => c.clientId === 'c1');
    expect(row!.endpoints).toEqual([
      { endpoint: USER, method: 'GET', perMinute: 14, requests: 30, rateLimited: 3 },
      { endpoint: ME, method: 'GET', perMinute: 1, requests: 1, rateLimited: 0 },
    ]);
  });

  it('counts new combinations beyond AGENT_MAX_ENDPOINTS under endpoint "other", with the overflow counter', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements(1_000, 100, new EndpointCap(2));
    call(m, clock, 'c1', USER);
    call(m, clock, 'c2', USER);
    call(m, clock, 'c2', ME); // a third combination
    call(m, clock, 'c2', ME);
    call(m, clock, 'c1', USER); // an existing one keeps counting
    call(m, clock, 'c1', 'other'); // unmatched paths are not combinations of their own
    const fams = gatewayFamilies(m, clock.now(), ctx);
    const values = pointsOf(fams, catalogue.gatewayEndpointRequests).map((p) => [
      p.attributes.client_id,
      p.attributes.endpoint,
      p.value,
    ]);
    expect(values.sort()).toEqual([
      ['c1', USER, 2],
      ['c1', 'other', 1],
      ['c2', USER, 1],
      ['c2', 'other', 2],
    ]);
    expect(m.endpointCap.overflowed).toBe(2);
  });

  it('AGENT_MAX_ENDPOINTS=0: no per-endpoint series at all, not even `other`; the client is still counted', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements(1_000, 100, new EndpointCap(0));
    call(m, clock, 'c1', USER);
    call(m, clock, 'c1', 'other', 429);
    const fams = gatewayFamilies(m, clock.now(), ctx);
    expect(pointsOf(fams, catalogue.gatewayEndpointRequests)).toEqual([]);
    expect(pointsOf(fams, catalogue.gatewayEndpointRequestsPerMinute)).toEqual([]);
    expect(m.endpointCap.overflowed).toBe(0);
    expect(pointValue(fams, catalogue.gatewayRequests, { client_id: 'c1', status_class: '2xx' })).toBe(1);
    expect(m.snapshot(clock.now(), ctx.nameOf, ctx.limitOf)[0]!.endpoints).toEqual([]);
  });

  it('drops an idle endpoint from the velocity after 10 min, and every series of a forgotten client, freeing its share of the cap', () => {
    const clock = new FakeClock();
    const m = new GatewayMeasurements(1_000, 100, new EndpointCap(1));
    call(m, clock, 'c1', USER);
    clock.advance(11 * 60_000);
    let fams = gatewayFamilies(m, clock.now(), ctx);
    expect(pointsOf(fams, catalogue.gatewayEndpointRequestsPerMinute)).toEqual([]);
    expect(pointsOf(fams, catalogue.gatewayEndpointRequests)).toHaveLength(1);
    clock.advance(60 * 60_000);
    fams = gatewayFamilies(m, clock.now(), ctx);
    expect(pointsOf(fams, catalogue.gatewayEndpointRequests)).toEqual([]);
    m.prune(clock.now());
    call(m, clock, 'c2', ME);
    fams = gatewayFamilies(m, clock.now(), ctx);
    expect(pointValue(fams, catalogue.gatewayEndpointRequests, { client_id: 'c2', endpoint: ME })).toBe(1);
    expect(m.endpointCap.overflowed).toBe(0);
  });
});
