/**
 * `GenesysClient`: the typed Genesys endpoints the sources use, over one Transport per org
 * (undici pools, call budget, token cache, retries, request counts).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import type { SourceName } from '../sources/source.js';
import type { MetricFamily } from '../telemetry/families.js';
import { systemClock } from '../util/clock.js';
import { silentLogger } from '../util/logger.js';
import {
  type EventDefinition,
  type GenesysApi,
  type LimitValue,
  type OAuthClientInfo,
  type OperationalEvent,
  type RateLimitAggregateGroup,
  type RateLimitAggregateQuery,
  type TokenInfo,
  type UsageQuery,
  type UsageRow,
} from './api.js';
import { PagingGuard } from './paging.js';
import { GenesysApiError } from './errors.js';
import { RecordSkips } from './records.js';
import {
  eventDefinitionRecordSchema,
  limitRecordSchema,
  listingSchema,
  oauthClientRecordSchema,
  operationalEventRecordSchema,
  rateLimitAggregatesSchema,
  rateLimitRecordSchema,
  tokenInfoSchema,
  tokenResponseSchema,
} from './schemas.js';
import type { RequestOutcome } from './request-stats.js';
import { TokenCache } from './token-cache.js';
import { TRANSPORT_DEFAULTS, Transport, type HttpCall, type TransportOptions } from './transport.js';
import {
  EVENT_DEFINITIONS,
  EVENTS_QUERY,
  LIMITS,
  LOGIN,
  LOGIN_FORM,
  OAUTH_CLIENTS,
  PATHS,
  RATELIMIT_AGGREGATES,
  TOKENS_ME,
  eventsQueryBody,
  rateLimitQueryBody,
} from './requests.js';
import { queryUsageAggregates, queryUsageLegacy, type UsageDeps } from './usage.js';

export { GenesysApiError, BudgetExhaustedError } from './errors.js';

/** Transport options (defaults in TRANSPORT_DEFAULTS), the agent's OAuth client and the usage job polling. */
export type GenesysClientOptions = Partial<TransportOptions> &
  Pick<TransportOptions, 'org' | 'apiBaseUrl' | 'loginBaseUrl'> & {
    clientId: string;
    clientSecret: string;
    /** Default 1000 / 15 000 / 300 000 (Genesys asks not to poll aggressively). */
    usageJobPoll?: { initialMs?: number; maxMs?: number; timeoutMs?: number };
  };

const EVENTS_PAGE_SIZE = 200;
const MAX_EVENT_PAGES = 500;
/** 25 000 OAuth clients at Genesys' default page size of 25: far above any org's count. */
const MAX_CLIENT_PAGES = 1_000;

export class GenesysClient implements GenesysApi {
  private readonly transport: Transport;
  private readonly usage: UsageDeps;
  private readonly credentials: { basic: string; form: string };
  /** Records of list responses the agent could not use, counted and skipped. */
  readonly skips: RecordSkips;

  constructor(opts: GenesysClientOptions) {
    const clock = opts.clock ?? systemClock;
    const sleep = opts.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    const logger = opts.logger ?? silentLogger;
    this.skips = new RecordSkips(opts.org, logger, clock.now());
    const basic = Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64');
    this.credentials = { basic, form: LOGIN_FORM };
    const tokens = new TokenCache(
      () => this.login(),
      clock,
      (err) =>
        logger.warn(
          { org: opts.org, err: err instanceof Error ? err.message : String(err) },
          'token refresh failed; the current token is still valid',
        ),
    );
    const { clientId: _id, clientSecret: _secret, usageJobPoll: _poll, ...given } = opts;
    this.transport = new Transport(
      {
        ...TRANSPORT_DEFAULTS,
        // An option passed as undefined (a spread of optional settings) keeps its default.
        ...(definedOnly(given) as typeof given),
        clock,
        sleep,
        random: opts.random ?? Math.random,
        logger,
      },
      tokens,
    );
    this.usage = {
      transport: this.transport,
      clock,
      sleep,
      poll: { initialMs: 1000, maxMs: 15_000, timeoutMs: 300_000, ...definedOnly(opts.usageJobPoll ?? {}) },
      skips: this.skips,
    };
  }

  collect(_nowMs: number): MetricFamily[] {
    return [...this.transport.stats.collect(), ...this.skips.collect()];
  }

  /** Requests sent so far for one endpoint template and status class. */
  requestCount(endpoint: string, statusClass: RequestOutcome): number {
    return this.transport.stats.count(endpoint, statusClass);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  queryUsageAggregates(q: UsageQuery, signal?: AbortSignal): Promise<UsageRow[]> {
    return queryUsageAggregates(this.usage, q, signal);
  }

  queryUsageLegacy(q: UsageQuery, signal?: AbortSignal): Promise<UsageRow[]> {
    return queryUsageLegacy(this.usage, q, signal);
  }

  listOAuthClients(signal?: AbortSignal): Promise<OAuthClientInfo[]> {
    const call = { endpoint: OAUTH_CLIENTS, path: PATHS.oauthClients, signal };
    const guard = new PagingGuard('OAuth client', OAUTH_CLIENTS, MAX_CLIENT_PAGES);
    return this.list('usage', oauthClientRecordSchema, call, guard);
  }

  async getLimits(namespace: string, signal?: AbortSignal): Promise<LimitValue[]> {
    const call = { endpoint: LIMITS, path: PATHS.limits(namespace), signal };
    const limits = await this.list('limits', limitRecordSchema, call);
    return limits.map((e) => ({ key: e.key, namespace: e.namespace ?? namespace, value: e.value }));
  }

  async queryRateLimitAggregates(
    q: RateLimitAggregateQuery,
    signal?: AbortSignal,
  ): Promise<RateLimitAggregateGroup[]> {
    const json = rateLimitQueryBody(q);
    const call = { endpoint: RATELIMIT_AGGREGATES, path: PATHS.rateLimitAggregates, json, signal };
    const body = await this.transport.request(rateLimitAggregatesSchema, call);
    const where = { source: 'ratelimits', endpoint: RATELIMIT_AGGREGATES } as const;
    return this.skips.keep(body.results, rateLimitRecordSchema, where);
  }

  listEventDefinitions(signal?: AbortSignal): Promise<EventDefinition[]> {
    const call = { endpoint: EVENT_DEFINITIONS, path: PATHS.eventDefinitions, signal };
    return this.list('events', eventDefinitionRecordSchema, call);
  }

  async queryOperationalEvents(q: { interval: string }, signal?: AbortSignal): Promise<OperationalEvent[]> {
    const path = PATHS.eventsQuery(EVENTS_PAGE_SIZE);
    const call = { endpoint: EVENTS_QUERY, path, json: eventsQueryBody(q), signal };
    const guard = new PagingGuard('operational events', EVENTS_QUERY, MAX_EVENT_PAGES);
    const events = await this.list('events', operationalEventRecordSchema, call, guard);
    return events.sort((a, b) => a.timestamp - b.timestamp);
  }

  getTokenInfo(bearer: string, signal?: AbortSignal): Promise<TokenInfo> {
    // Not budgeted: the gateway gives these look-ups a budget of their own (src/sources/gateway/identity.ts).
    const call = { endpoint: TOKENS_ME, path: PATHS.tokensMe, bearer, retry: 'none', signal } as const;
    return this.transport.request(tokenInfoSchema, call);
  }

  /** The usable records of a listing; with a `guard`, of every page it leads to through `nextUri`. */
  private async list<S extends z.ZodType>(
    source: SourceName,
    record: S,
    call: HttpCall,
    guard?: PagingGuard,
  ): Promise<z.output<S>[]> {
    const out: z.output<S>[] = [];
    for (;;) {
      const page = await this.transport.request(listingSchema, call);
      out.push(...this.skips.keep(page.entities, record, { source, endpoint: call.endpoint }));
      if (!guard || !page.nextUri) return out;
      call = { ...call, path: guard.follow(page.nextUri) };
    }
  }

  private async login(): Promise<{ token: string; expiresInSeconds: number }> {
    try {
      const call = { endpoint: LOGIN, path: PATHS.login, login: this.credentials };
      const body = await this.transport.request(tokenResponseSchema, call);
      return { token: body.access_token, expiresInSeconds: body.expires_in };
    } catch (err) {
      if (err instanceof GenesysApiError && (err.code === 'invalid_client' || err.status === 401)) {
        throw new GenesysApiError(
          'login rejected: client not found / authentication failed — check GENESYS_CLIENT_ID/GENESYS_CLIENT_SECRET',
          err.status,
          LOGIN,
          err.code ?? 'invalid_client',
        );
      }
      throw err;
    }
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
