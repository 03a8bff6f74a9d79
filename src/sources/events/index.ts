import type { FastifyPluginAsync } from 'fastify';
import type { MetricFamily } from '../../telemetry/families.js';
import type { Clock } from '../../util/clock.js';
import type { Source, SourceHealth } from '../source.js';
import { EventLedger } from './ledger.js';
import { eventsRoutes } from './routes.js';

/**
 * The operational events of one org as a source: its ledger (filled by the ratelimits source's
 * pull and by pushes to POST /v1/events) and the health of the push path. It is a receiver, not a
 * poller: up while the push endpoint serves, last success at the last accepted push. It does not
 * gate readiness, since an org may legitimately push nothing for hours.
 */
export class EventsSource implements Source {
  readonly name = 'events' as const;
  readonly org: string;
  readonly ledger: EventLedger;
  private serving = false;

  constructor(private readonly opts: { org: string; push: boolean; clock?: Clock }) {
    this.org = opts.org;
    this.ledger = new EventLedger(opts);
  }

  /** Called once the HTTP server that carries the route is listening. */
  async start(): Promise<void> {
    this.serving = this.opts.push;
  }

  async stop(): Promise<void> {
    this.serving = false;
  }

  collect(nowMs: number): MetricFamily[] {
    return this.ledger.collect(nowMs);
  }

  health(): SourceHealth {
    return {
      up: this.serving,
      lastSuccessMs: this.ledger.lastPushMs,
      lastDurationMs: null,
      lastError: null,
    };
  }
}

/**
 * The events routes for every org: GET /api/v1/events always, POST /v1/events only with a token.
 * Lookups go by org label; pushed envelopes carry a Genesys org id the config does not know, so a
 * single org takes them all.
 */
export function eventsEndpoint(
  sources: readonly EventsSource[],
  token: string | null | undefined,
  rateLimitPerMinute?: number,
): FastifyPluginAsync {
  const byOrg = new Map(sources.map((s) => [s.org, s.ledger]));
  const only = sources.length === 1 ? sources[0]!.ledger : undefined;
  return eventsRoutes({
    token,
    rateLimitPerMinute,
    ledgerFor: (orgId) => (orgId === undefined ? undefined : byOrg.get(orgId)) ?? only,
    // An org the status page or a user names must exist: another org's events would be a wrong answer.
    ledgerOf: (org) => (org === undefined ? only : byOrg.get(org)),
  });
}
