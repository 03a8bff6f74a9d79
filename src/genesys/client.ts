/* eslint-disable max-lines -- one method per Genesys endpoint the agent calls; split by endpoint family next */
/**
 * `GenesysClient`: the typed Genesys endpoints the sources use, over one Transport per org
 * (undici pools, call budget, token cache, retries, request counts).
 */
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
  eventDefinitionListSchema,
  eventDefinitionRecordSchema,
  limitRecordSchema,
  limitsListSchema,
  oauthClientListSchema,
  oauthClientRecordSchema,
  operationalEventPageSchema,
  operationalEventRecordSchema,
  rateLimitAggregatesSchema,
  rateLimitRecordSchema,
  tokenInfoSchema,
  tokenResponseSchema,
} from './schemas.js';
import type { RequestOutcome } from './request-stats.js';
import { TokenCache, makeToken, type AccessToken } from './token-cache.js';
import { TRANSPORT_DEFAULTS, Transport, defaultSleep, type TransportTunables } from './transport.js';
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
import { apiPath, queryUsageAggregates, queryUsageLegacy, type UsageDeps } from './usage.js';

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
  private readonly tokens: TokenCache;
  private readonly usage: UsageDeps;
  private readonly basicCredentials: string;
  private readonly clock: Clock;
  /** Records of list responses the agent could not use, counted and skipped. */
  readonly skips: RecordSkips;

  constructor(opts: GenesysClientOptions) {
    this.clock = opts.clock ?? systemClock;
    const sleep = opts.sleep ?? defaultSleep;
    const logger = opts.logger ?? silentLogger;
    this.skips = new RecordSkips(opts.org, logger, this.clock.now());
    this.basicCredentials = Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64');
    this.tokens = new TokenCache(
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
      this.tokens,
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
  async listOAuthClients(signal?: AbortSignal): Promise<OAuthClientInfo[]> {
    const out: OAuthClientInfo[] = [];
    const guard = new PagingGuard('OAuth client', OAUTH_CLIENTS, MAX_CLIENT_PAGES);
    let path: string = PATHS.oauthClients;
    for (;;) {
      const page = await this.transport.get(oauthClientListSchema, path, OAUTH_CLIENTS, signal);
      for (const c of this.skips.keep(page.entities, oauthClientRecordSchema, {
        source: 'usage',
        endpoint: OAUTH_CLIENTS,
      })) {
        out.push({
          id: c.id,
          name: c.name || c.id,
          ...(c.authorizedGrantType ? { authorizedGrantType: c.authorizedGrantType } : {}),
          ...(c.state ? { state: c.state } : {}),
          ...(typeof c.accessTokenValiditySeconds === 'number'
            ? { accessTokenValiditySeconds: c.accessTokenValiditySeconds }
            : {}),
        });
      }
      if (!page.nextUri) return out;
      path = apiPath(page.nextUri, OAUTH_CLIENTS);
      guard.next(path);
    }
  }

  async getLimits(namespace: string, signal?: AbortSignal): Promise<LimitValue[]> {
    const body = await this.transport.get(limitsListSchema, PATHS.limits(namespace), LIMITS, signal);
    return this.skips
      .keep(body.entities, limitRecordSchema, { source: 'limits', endpoint: LIMITS })
      .map((e) => ({ key: e.key, namespace: e.namespace ?? namespace, value: e.value }));
  }

  async queryRateLimitAggregates(
    q: RateLimitAggregateQuery,
    signal?: AbortSignal,
  ): Promise<RateLimitAggregateGroup[]> {
    const res = await this.transport.send({
      method: 'POST',
      path: PATHS.rateLimitAggregates,
      endpoint: RATELIMIT_AGGREGATES,
      json: rateLimitQueryBody(q),
      retry: 'query',
      signal,
    });
    const body = Transport.parse(rateLimitAggregatesSchema, res, RATELIMIT_AGGREGATES);
    const records = this.skips.keep(body.results, rateLimitRecordSchema, {
      source: 'ratelimits',
      endpoint: RATELIMIT_AGGREGATES,
    });
    return records.map((r) => ({
      namespace: r.group.namespace,
      limitName: r.group.limitName,
      entityId: r.group.entityId ?? '',
      data: (r.data ?? []).map((bucket) => {
        const stats = bucket.metrics?.find((m) => m.metric === 'oRateLimitRecorded')?.stats;
        return { interval: bucket.interval, count: stats?.count ?? 0, max: stats?.max ?? null };
      }),
    }));
  }

  async listEventDefinitions(signal?: AbortSignal): Promise<EventDefinition[]> {
    const body = await this.transport.get(
      eventDefinitionListSchema,
      PATHS.eventDefinitions,
      EVENT_DEFINITIONS,
      signal,
    );
    return this.skips
      .keep(body.entities, eventDefinitionRecordSchema, { source: 'events', endpoint: EVENT_DEFINITIONS })
      .map((d) => ({
        id: d.id,
        name: d.name || d.id,
        ...(d.description ? { description: d.description } : {}),
      }));
  }

  async queryOperationalEvents(q: { interval: string }, signal?: AbortSignal): Promise<OperationalEvent[]> {
    const events: OperationalEvent[] = [];
    const guard = new PagingGuard('operational events', EVENTS_QUERY, MAX_EVENT_PAGES);
    let path = PATHS.eventsQuery(EVENTS_PAGE_SIZE);
    for (;;) {
      const res = await this.transport.send({
        method: 'POST',
        path,
        endpoint: EVENTS_QUERY,
        json: eventsQueryBody(q),
        retry: 'query',
        signal,
      });
      const page = Transport.parse(operationalEventPageSchema, res, EVENTS_QUERY);
      for (const e of this.skips.keep(page.entities, operationalEventRecordSchema, {
        source: 'events',
        endpoint: EVENTS_QUERY,
      })) {
        const timestamp = Date.parse(e.dateCreated);
        events.push({
          // The REST model has no id; this key is stable across polls of the same event.
          id: e.id ?? [e.eventDefinition.id, e.entityId ?? '', e.dateCreated, e.currentValue ?? ''].join('|'),
          eventDefinitionId: e.eventDefinition.id,
          eventDefinitionName: e.eventDefinition.name || e.eventDefinition.id,
          entityId: e.entityId ?? null,
          entityName: e.entityName ?? null,
          previousValue: e.previousValue ?? null,
          currentValue: e.currentValue ?? null,
          errorCode: e.errorCode ?? null,
          timestamp,
        });
      }
      if (!page.nextUri) break;
      path = apiPath(page.nextUri, EVENTS_QUERY);
      guard.next(path);
    }
    return events.sort((a, b) => a.timestamp - b.timestamp);
  }

  async getTokenInfo(bearerToken: string, signal?: AbortSignal): Promise<TokenInfo> {
    const res = await this.transport.send({
      method: 'GET',
      path: PATHS.tokensMe,
      endpoint: TOKENS_ME,
      auth: { kind: 'bearer', token: bearerToken },
      retry: 'none',
      quiet: true,
      // The gateway gives these look-ups a budget of their own (src/sources/gateway/identity.ts).
      unbudgeted: true,
      signal,
    });
    const body = Transport.parse(tokenInfoSchema, res, TOKENS_ME);
    return {
      clientId: body.OAuthClient.id,
      clientName: body.OAuthClient.name || body.OAuthClient.id,
      ...(body.organization?.id ? { organizationId: body.organization.id } : {}),
    };
  }

  private async login(): Promise<AccessToken> {
    try {
      const res = await this.transport.send({
        base: 'login',
        method: 'POST',
        path: PATHS.login,
        endpoint: LOGIN,
        form: LOGIN_FORM,
        auth: { kind: 'basic', credentials: this.basicCredentials },
        retry: 'query',
      });
      const body = Transport.parse(tokenResponseSchema, res, LOGIN);
      return makeToken(body.access_token, body.expires_in, this.clock.now());
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
