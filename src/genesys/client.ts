/**
 * `GenesysClient`: the typed Genesys endpoints the sources use, over one Transport per org
 * (undici pools, call budget, token cache, retries, request counts).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { MetricFamily } from '../telemetry/families.js';
import { systemClock, type Clock } from '../util/clock.js';
import { silentLogger, type Logger } from '../util/logger.js';
import {
  EndpointUnavailableError,
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
import { TRANSPORT_DEFAULTS, Transport, type TransportTunables } from './transport.js';
import {
  EVENT_DEFINITIONS,
  EVENTS_QUERY,
  JOBS_SUBMIT,
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

export interface GenesysClientOptions extends Partial<TransportTunables> {
  /** Org label for metrics. */
  org: string;
  /** e.g. https://api.mypurecloud.com or http://127.0.0.1:PORT */
  apiBaseUrl: string;
  loginBaseUrl: string;
  clientId: string;
  clientSecret: string;
  clock?: Clock;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** pino-compatible. */
  logger?: Logger;
  /** Default 1000 / 15 000 / 300 000 (Genesys asks not to poll aggressively). */
  usageJobPoll?: { initialMs?: number; maxMs?: number; timeoutMs?: number };
}

/** Status codes meaning "this API is not offered here" rather than "this call went wrong". */
const UNAVAILABLE_STATUSES = new Set([403, 404, 410, 501]);
const EVENTS_PAGE_SIZE = 200;
const MAX_EVENT_PAGES = 500;
/** 25 000 OAuth clients at Genesys' default page size of 25: far above any org's count. */
const MAX_CLIENT_PAGES = 1_000;

export class GenesysClient implements GenesysApi {
  private readonly transport: Transport;
  private readonly usage: UsageDeps;
  private readonly basicCredentials: string;
  private readonly clock: Clock;
  /** Records of list responses the agent could not use, counted and skipped. */
  readonly skips: RecordSkips;

  constructor(opts: GenesysClientOptions) {
    this.clock = opts.clock ?? systemClock;
    const sleep = opts.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    const logger = opts.logger ?? silentLogger;
    this.skips = new RecordSkips(opts.org, logger, this.clock.now());
    this.basicCredentials = Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64');
    const tokens = new TokenCache(
      () => this.login(),
      this.clock,
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
        clock: this.clock,
        sleep,
        random: opts.random ?? Math.random,
        logger,
      },
      tokens,
    );
    this.usage = {
      transport: this.transport,
      clock: this.clock,
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

  async queryUsageAggregates(q: UsageQuery, signal?: AbortSignal): Promise<UsageRow[]> {
    try {
      return await queryUsageAggregates(this.usage, q, signal);
    } catch (err) {
      if (
        err instanceof GenesysApiError &&
        err.endpoint === JOBS_SUBMIT &&
        err.status !== null &&
        UNAVAILABLE_STATUSES.has(err.status)
      ) {
        throw new EndpointUnavailableError(JOBS_SUBMIT, err.status);
      }
      throw err;
    }
  }

  queryUsageLegacy(q: UsageQuery, signal?: AbortSignal): Promise<UsageRow[]> {
    return queryUsageLegacy(this.usage, q, signal);
  }

  /** Every page: the listing follows `nextUri` (bounded, and a repeated page ends it with an error). */
  /** Every page: the listing follows `nextUri` (bounded, and a repeated page ends it with an error). */
  async listOAuthClients(signal?: AbortSignal): Promise<OAuthClientInfo[]> {
    const out: OAuthClientInfo[] = [];
    const guard = new PagingGuard('OAuth client', OAUTH_CLIENTS, MAX_CLIENT_PAGES);
    for (let path: string = PATHS.oauthClients; ;) {
      const page = await this.transport.request(listingSchema, {
        endpoint: OAUTH_CLIENTS,
        path,
        signal,
      });
      out.push(
        ...this.skips.keep(page.entities, oauthClientRecordSchema, {
          source: 'usage',
          endpoint: OAUTH_CLIENTS,
        }),
      );
      if (!page.nextUri) return out;
      path = guard.follow(page.nextUri);
    }
  }

  async getLimits(namespace: string, signal?: AbortSignal): Promise<LimitValue[]> {
    const body = await this.transport.request(listingSchema, {
      endpoint: LIMITS,
      path: PATHS.limits(namespace),
      signal,
    });
    return this.skips
      .keep(body.entities, limitRecordSchema, { source: 'limits', endpoint: LIMITS })
      .map((e) => ({ key: e.key, namespace: e.namespace ?? namespace, value: e.value }));
  }

  async queryRateLimitAggregates(
    q: RateLimitAggregateQuery,
    signal?: AbortSignal,
  ): Promise<RateLimitAggregateGroup[]> {
    const body = await this.transport.request(rateLimitAggregatesSchema, {
      endpoint: RATELIMIT_AGGREGATES,
      path: PATHS.rateLimitAggregates,
      json: rateLimitQueryBody(q),
      signal,
    });
    return this.skips.keep(body.results, rateLimitRecordSchema, {
      source: 'ratelimits',
      endpoint: RATELIMIT_AGGREGATES,
    });
  }

  async listEventDefinitions(signal?: AbortSignal): Promise<EventDefinition[]> {
    const call = { endpoint: EVENT_DEFINITIONS, path: PATHS.eventDefinitions, signal };
    const body = await this.transport.request(listingSchema, call);
    return this.skips.keep(body.entities, eventDefinitionRecordSchema, {
      source: 'events',
      endpoint: EVENT_DEFINITIONS,
    });
  }

  async queryOperationalEvents(q: { interval: string }, signal?: AbortSignal): Promise<OperationalEvent[]> {
    const events: OperationalEvent[] = [];
    const guard = new PagingGuard('operational events', EVENTS_QUERY, MAX_EVENT_PAGES);
    for (let path = PATHS.eventsQuery(EVENTS_PAGE_SIZE); ;) {
      const call = { endpoint: EVENTS_QUERY, path, json: eventsQueryBody(q), signal };
      const page = await this.transport.request(listingSchema, call);
      events.push(
        ...this.skips.keep(page.entities, operationalEventRecordSchema, {
          source: 'events',
          endpoint: EVENTS_QUERY,
        }),
      );
      if (!page.nextUri) return events.sort((a, b) => a.timestamp - b.timestamp);
      path = guard.follow(page.nextUri);
    }
  }

  getTokenInfo(bearerToken: string, signal?: AbortSignal): Promise<TokenInfo> {
    // Not budgeted: the gateway gives these look-ups a budget of their own (src/sources/gateway/identity.ts).
    const call = {
      endpoint: TOKENS_ME,
      path: PATHS.tokensMe,
      bearer: bearerToken,
      retry: 'none',
      signal,
    } as const;
    return this.transport.request(tokenInfoSchema, call);
  }

  private async login(): Promise<{ token: string; expiresInSeconds: number }> {
    try {
      const login = { basic: this.basicCredentials, form: LOGIN_FORM };
      const body = await this.transport.request(tokenResponseSchema, {
        endpoint: LOGIN,
        path: PATHS.login,
        login,
      });
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
