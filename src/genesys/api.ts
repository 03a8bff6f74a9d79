/**
 * The typed surface of Genesys Cloud the sources use. Implemented by `GenesysClient` (src/genesys/client.ts)
 * over one undici pool per org; every response is zod-validated (and its types derived) in schemas.ts.
 */
import type { z } from 'zod';
import type {
  eventDefinitionRecordSchema,
  oauthClientRecordSchema,
  operationalEventRecordSchema,
  rateLimitRecordSchema,
  tokenInfoSchema,
} from './schemas.js';

/** One row of usage, normalised from either Usage API (new jobs API or legacy query). */
export interface UsageRow {
  /** UTC day, `YYYY-MM-DD` (legacy `date` midnight timestamps are converted). */
  date: string;
  clientId: string;
  /** As returned by the API (kept even when the client no longer exists). */
  clientName: string;
  requests: number;
  status200: number;
  status300: number;
  /** 4xx other than 429, whichever way the row counted them (src/genesys/usage.ts `split429`). */
  status4xx: number;
  status429: number;
  status500: number;
  /** With `byEndpoint`: the template with a leading slash (`/api/v2/users/{userId}`) or `other`. */
  endpoint?: string;
  /** With `byEndpoint`: upper-case HTTP method or `other`. */
  method?: string;
}

export interface UsageQuery {
  /** ISO-8601 interval, e.g. `2026-11-01/2026-11-29` (end exclusive for dates). */
  interval: string;
  /** Also group by TemplateUri and HttpMethod. */
  byEndpoint?: boolean;
}

export type OAuthClientInfo = z.output<typeof oauthClientRecordSchema>;
export type LimitValue = { key: string; namespace: string; value: number };
export type RateLimitAggregateGroup = z.output<typeof rateLimitRecordSchema>;
export type EventDefinition = z.output<typeof eventDefinitionRecordSchema>;
export type OperationalEvent = z.output<typeof operationalEventRecordSchema>;
export type TokenInfo = z.output<typeof tokenInfoSchema>;

export interface RateLimitAggregateQuery {
  interval: string;
  /** ISO-8601 period, e.g. `PT1M`; omitted = whole interval. */
  granularity?: string;
}

/** Thrown when an endpoint/variant is not available (404/403/410 or 501) so callers can fall back. */
export class EndpointUnavailableError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number,
  ) {
    super(`${endpoint} unavailable (HTTP ${status})`);
    this.name = 'EndpointUnavailableError';
  }
}

export interface GenesysApi {
  /** New usage jobs API (POST job, poll while Queued/Running with backoff, follow nextUri). Day granularity, grouped by OAuth client. */
  queryUsageAggregates(q: UsageQuery, signal?: AbortSignal): Promise<UsageRow[]>;
  /** Legacy `POST /api/v2/usage/query` + results polling. Day granularity, grouped by OAuth client. */
  queryUsageLegacy(q: UsageQuery, signal?: AbortSignal): Promise<UsageRow[]>;
  /** `GET /api/v2/oauth/clients` (single page). */
  listOAuthClients(signal?: AbortSignal): Promise<OAuthClientInfo[]>;
  /** `GET /api/v2/organizations/limits/namespaces/{ns}` effective values. */
  getLimits(namespace: string, signal?: AbortSignal): Promise<LimitValue[]>;
  /** `POST /api/v2/analytics/ratelimits/aggregates/query` grouped by namespace, limitName, entityId. */
  queryRateLimitAggregates(
    q: RateLimitAggregateQuery,
    signal?: AbortSignal,
  ): Promise<RateLimitAggregateGroup[]>;
  /** `GET /api/v2/usage/events/definitions`. */
  listEventDefinitions(signal?: AbortSignal): Promise<EventDefinition[]>;
  /** `POST /api/v2/usage/events/query`, every page, ascending by time. */
  queryOperationalEvents(q: { interval: string }, signal?: AbortSignal): Promise<OperationalEvent[]>;
  /** `GET /api/v2/tokens/me` with someone else's bearer token (gateway identity lookup). Not retried. */
  getTokenInfo(bearerToken: string, signal?: AbortSignal): Promise<TokenInfo>;
}
