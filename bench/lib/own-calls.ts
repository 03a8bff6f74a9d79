/**
 * The agent's own Genesys API calls per hour, extrapolated from what the simulator counted
 * (`simCalls`; the rest is pure).
 *
 * Every source polls once at start-up, so the calls counted until the agent is first ready are
 * exactly one poll of each source. Each route is repeated at the cadence of the source that calls
 * it (the agent's defaults), which gives calls per hour = Σ first-poll calls × 3600 / interval.
 * A route not in the table is assumed to repeat at the fastest cadence (an over-estimate).
 */
import { request } from 'undici';
import { z } from 'zod';

export interface Cadence {
  prefix: string;
  source: string;
  intervalSeconds: number;
}

/** Longest prefix first. Defaults: the README's configuration table (usage 15 m, ratelimits 60 s); limits hourly; tokens last 24 h. */
const DEFAULT_CADENCES: readonly Cadence[] = [
  {
    prefix: '/api/v2/usage/events/definitions',
    source: 'ratelimits (definitions, refreshed hourly)',
    intervalSeconds: 3600,
  },
  { prefix: '/api/v2/usage/events', source: 'ratelimits (operational events)', intervalSeconds: 60 },
  { prefix: '/api/v2/analytics/ratelimits', source: 'ratelimits', intervalSeconds: 60 },
  { prefix: '/api/v2/usage', source: 'usage', intervalSeconds: 900 },
  { prefix: '/api/v2/oauth/clients', source: 'clients (refreshed by each usage poll)', intervalSeconds: 900 },
  { prefix: '/api/v2/organizations/limits', source: 'limits', intervalSeconds: 3600 },
  { prefix: '/oauth/token', source: 'login (token valid 24 h)', intervalSeconds: 86_400 },
];
const FASTEST_SECONDS = 60;

export interface RouteCount {
  route: string;
  count: number;
}

const callsSchema = z.object({
  total: z.number(),
  byRoute: z.array(z.object({ method: z.string(), route: z.string(), count: z.number() })),
  byCaller: z.array(z.object({ clientId: z.string(), count: z.number() })),
});

/** What the simulator at `simUrl` counted so far (/__sim/calls), its routes read `METHOD /path`. */
export async function simCalls(
  simUrl: string,
): Promise<z.infer<typeof callsSchema> & { routes: RouteCount[] }> {
  const calls = callsSchema.parse(await (await request(`${simUrl}/__sim/calls`)).body.json());
  return {
    ...calls,
    routes: calls.byRoute.map((r) => ({ route: `${r.method} ${r.route}`, count: r.count })),
  };
}

function intervalFor(route: string, cadences: readonly Cadence[] = DEFAULT_CADENCES): number {
  const path = route.slice(route.indexOf(' ') + 1); // routes read `METHOD /path`
  return cadences.find((c) => path.startsWith(c.prefix))?.intervalSeconds ?? FASTEST_SECONDS;
}

export function perHour(
  firstPoll: readonly RouteCount[],
  window: readonly RouteCount[],
  cadences: readonly Cadence[] = DEFAULT_CADENCES,
): { route: string; firstPoll: number; window: number; intervalSeconds: number; perHour: number }[] {
  const byRoute = new Map<string, { firstPoll: number; window: number }>();
  for (const r of firstPoll)
    byRoute.set(r.route, { firstPoll: (byRoute.get(r.route)?.firstPoll ?? 0) + r.count, window: 0 });
  for (const r of window) {
    const row = byRoute.get(r.route) ?? { firstPoll: 0, window: 0 };
    row.window += r.count;
    byRoute.set(r.route, row);
  }
  return [...byRoute].map(([route, c]) => {
    const intervalSeconds = intervalFor(route, cadences);
    // A route first seen after start-up (a retry, a late refresh): all its calls, once per its cadence.
    const perPoll = c.firstPoll > 0 ? c.firstPoll : c.window;
    return {
      route,
      firstPoll: c.firstPoll,
      window: c.window,
      intervalSeconds,
      perHour: Math.round(((perPoll * 3600) / intervalSeconds) * 1000) / 1000,
    };
  });
}
