/**
 * The gateway accepts every prefix the SDKs' gateway options can produce: the official SDK's own
 * URL builder (`ApiClient.setGateway`, then the requests it makes) in front of the simulator, which
 * records the path each request really reached.
 */
import platformClient from 'purecloud-platform-client-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MapClientDirectory } from '../../../src/model/client-directory.js';
import { GatewaySource } from '../../../src/sources/gateway/index.js';
import { startSimulator, type RunningSimulator } from '../../../src/simulator/index.js';
import { steady } from '../../../src/simulator/scenarios/others.js';
import { captureLogger, gatewayFor } from './helpers.js';

const WFM = steady.clients![0]!;
/** Only real traffic: what the simulator records is then only what the SDK sent. */
const scenario = { ...steady, clients: (steady.clients ?? []).map(({ traffic: _t, ...c }) => c) };

// Every shape `setGateway` can give: no prefix, the documented `login`/`api`, several segments,
// leading slashes, and a prefix that is itself `api/v2` (→ /api/v2/api/v2/… on the wire).
const PREFIXES: { name: string; login?: string; api?: string }[] = [
  { name: 'none' },
  { name: 'login / api', login: 'login', api: 'api' },
  { name: 'multi-segment', login: 'edge/genesys/login', api: 'edge/genesys/api' },
  { name: 'leading slash', login: '/gw/login', api: '/gw/api' },
  { name: 'api/v2 as the API prefix', login: 'login', api: 'api/v2' },
  { name: 'api/v2 for both', login: 'api/v2', api: 'api/v2' },
];

let sim: RunningSimulator;
let gw: GatewaySource;
const client = platformClient.ApiClient.instance;

beforeAll(async () => {
  sim = await startSimulator({ scenario });
  gw = gatewayFor(sim.url, {
    org: steady.org.id,
    directory: new MapClientDirectory(),
    limitPerMinute: () => 300,
    logger: captureLogger().logger,
    resolveToken: async () => ({ clientId: WFM.id!, clientName: WFM.name }),
  });
  await gw.start();
  client.setReturnExtendedResponses(false);
});
afterAll(async () => {
  await gw?.stop();
  await sim?.close();
});

async function lastRequests(n: number): Promise<{ method: string; route: string }[]> {
  const { requests } = (await (await fetch(`${sim.url}/__sim/requests`)).json()) as {
    requests: { method: string; route: string }[];
  };
  return requests.slice(-n).map((r) => ({ method: r.method, route: r.route }));
}

describe('SDK gateway prefixes', () => {
  it.each(PREFIXES)('$name: login and API calls reach the same Genesys paths', async (p) => {
    client.setGateway({
      host: '127.0.0.1',
      protocol: 'http',
      port: Number(new URL(gw.url).port),
      ...(p.login === undefined ? {} : { path_params_login: p.login }),
      ...(p.api === undefined ? {} : { path_params_api: p.api }),
    });
    await client.loginClientCredentialsGrant(WFM.id!, WFM.secret!);
    const users = await new platformClient.UsersApi().getUsers({ pageSize: 1 });
    expect(users).toMatchObject({ ok: true, templateUri: 'api/v2/users' });
    expect(await lastRequests(2)).toEqual([
      { method: 'POST', route: '/oauth/token' },
      { method: 'GET', route: '/api/v2/users' },
    ]);
  });
});
