/**
 * What per-endpoint series cost (issue 24: "with the default settings, endpoint series at most
 * double an org's series"). The shipped agent with its gateway, one org of N clients that each call
 * three endpoints (background traffic in the Usage API's daily figures, one in ten bursting into
 * 429s), run in pairs against the same simulator: endpoints off (AGENT_MAX_ENDPOINTS=0,
 * AGENT_USAGE_TOP_ENDPOINTS=0), then at the default endpoint settings; one pair with
 * AGENT_MAX_CLIENTS = N (every client has gateway series of its own), one with every setting at its
 * default. In each, every client logs in through the gateway and calls each of its endpoints once,
 * then /metrics is scraped.
 */
import { request } from 'undici';
import { agentEnv } from '../lib/agent-env.js';
import { login, mapLimit, scrapeMetrics, waitReady } from '../lib/http.js';
import { startChild } from '../lib/ipc.js';
import type { Profile } from '../lib/profile.js';
import type { BenchResult, EndpointsCase } from '../lib/result.js';
import { spreadOf } from '../lib/rounds.js';
import { ratio } from '../lib/stats.js';
import { endpointsOf, loadClientId } from '../lib/scenario.js';
import { failureOf } from '../lib/process.js';
import { startShippedAgent } from '../lib/shipped.js';
import { spec } from '../../src/config/settings.js';

const DEFAULT_MAX_CLIENTS = spec('maxClients').default as number;

const OFF = { AGENT_MAX_ENDPOINTS: '0', AGENT_USAGE_TOP_ENDPOINTS: '0' };
const PREFIXES = ['genesys_gateway_endpoint', 'genesys_usage_endpoint'] as const;

/** A concrete path for a template: each `{param}` becomes an id derived from the client. */
function pathOf(templateUri: string, i: number): string {
  return `/${templateUri.replace(/\{[^}]+\}/g, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)}`;
}

async function oneCase(
  simUrl: string,
  n: number,
  c: { label: string; env: Record<string, string> },
  scrapes: number,
): Promise<EndpointsCase> {
  process.stderr.write(`bench: endpoints, ${c.label}: ${n} clients\n`);
  const env = agentEnv(simUrl, c.env);
  const result: EndpointsCase = {
    label: c.label,
    env: c.env,
    failure: null,
    readySeconds: null,
    gatewayRequests: 0,
    gatewayNon2xx: 0,
    rssReadyBytes: null,
    rssTrafficBytes: null,
    rssScrapeBytes: null,
    peakRssBytes: null,
    scrapeBytes: null,
    scrapeSeries: null,
    gatewayEndpointSeries: null,
    usageEndpointSeries: null,
    scrapeMs: null,
  };
  const t0 = performance.now();
  const agent = await startShippedAgent(env, { gateway: true });
  const gw = agent.gatewayUrl!;
  try {
    await waitReady(agent.url, 600_000);
    result.readySeconds = Math.round((performance.now() - t0) / 100) / 10;
    result.rssReadyBytes = agent.proc.stats().rssBytes;
    await mapLimit(
      Array.from({ length: n }, (_, i) => i),
      32,
      async (i) => {
        const id = loadClientId(i);
        const token = await login(gw, id, `${id}-secret`);
        for (const e of endpointsOf(i)) {
          const res = await request(`${gw}${pathOf(e.templateUri, i)}`, {
            method: e.method,
            headers: { authorization: `Bearer ${token}` },
          });
          await res.body.dump();
          result.gatewayRequests += 1;
          if (res.statusCode >= 300) result.gatewayNon2xx += 1;
        }
      },
    );
    result.rssTrafficBytes = agent.proc.stats().rssBytes;
    const runs = [];
    for (let i = 0; i < scrapes; i++) runs.push(await scrapeMetrics(agent.url, PREFIXES));
    const last = runs.at(-1)!;
    Object.assign(result, {
      scrapeBytes: last.bytes,
      scrapeSeries: last.series,
      gatewayEndpointSeries: last.byPrefix[0],
      usageEndpointSeries: last.byPrefix[1],
      scrapeMs: spreadOf(runs.map((s) => Math.round(s.ms))),
    });
    const stats = agent.proc.stats();
    result.rssScrapeBytes = stats.rssBytes;
    result.peakRssBytes = stats.maxRssBytes;
  } catch (err) {
    result.failure = failureOf(agent.proc, err);
  } finally {
    await agent.proc.stop();
  }
  return result;
}

export async function endpointsSuite(profile: Profile): Promise<NonNullable<BenchResult['endpoints']>> {
  const { clients, scrapes } = profile.endpoints;
  const sim = await startChild<{ url: string }>('simulator', {
    extraClients: clients,
    trafficRpm: 1,
    limit: 300,
    endpointMix: true,
  });
  const pairs = [];
  try {
    // Every client with gateway series of its own (the worst case), then AGENT_MAX_CLIENTS at its
    // default where that is fewer clients.
    for (const maxClients of clients > DEFAULT_MAX_CLIENTS ? [clients, DEFAULT_MAX_CLIENTS] : [clients]) {
      const base: Record<string, string> =
        maxClients === DEFAULT_MAX_CLIENTS ? {} : { AGENT_MAX_CLIENTS: String(maxClients) };
      const off = await oneCase(sim.info.url, clients, { label: 'off', env: { ...base, ...OFF } }, scrapes);
      const on = await oneCase(sim.info.url, clients, { label: 'default', env: base }, scrapes);
      pairs.push({
        maxClients,
        off,
        on,
        seriesRatio: ratio(on.scrapeSeries, off.scrapeSeries),
        scrapeBytesRatio: ratio(on.scrapeBytes, off.scrapeBytes),
        rssRatio: ratio(on.rssScrapeBytes, off.rssScrapeBytes),
      });
    }
  } finally {
    await sim.stop();
  }
  return { clients, endpointsPerClient: 3, pairs };
}
