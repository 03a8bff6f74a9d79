/**
 * The Genesys requests the agent sends, declared once: each endpoint's path, its template (the
 * `endpoint` label of metrics, logs and errors) and its request body. GenesysClient sends them;
 * `doctor` probes with the same paths and bodies, so a passing check means the agent's own
 * request is allowed.
 */
import type { Models } from 'purecloud-platform-client-v2';
import type { RateLimitAggregateQuery, UsageQuery } from './api.js';

export const LOGIN = 'POST /oauth/token';
export const TOKENS_ME = 'GET /api/v2/tokens/me';
export const OAUTH_CLIENTS = 'GET /api/v2/oauth/clients';
export const LIMITS = 'GET /api/v2/organizations/limits/namespaces/{namespaceName}';
export const RATELIMIT_AGGREGATES = 'POST /api/v2/analytics/ratelimits/aggregates/query';
export const EVENT_DEFINITIONS = 'GET /api/v2/usage/events/definitions';
export const EVENTS_QUERY = 'POST /api/v2/usage/events/query';
export const JOBS_SUBMIT = 'POST /api/v2/usage/aggregates/query/jobs';
export const JOBS_RESULTS = 'GET /api/v2/usage/aggregates/query/jobs/{jobId}';
export const LEGACY_SUBMIT = 'POST /api/v2/usage/query';
export const LEGACY_RESULTS = 'GET /api/v2/usage/query/{executionId}/results';

/** Paths below the login or API base URL. */
export const PATHS = {
  login: '/oauth/token',
  // Without preserveIdleTTL the look-up would reset the idle timeout of a token that is not ours.
  tokensMe: '/api/v2/tokens/me?preserveIdleTTL=true',
  oauthClients: '/api/v2/oauth/clients',
  limits: (namespace: string) => `/api/v2/organizations/limits/namespaces/${encodeURIComponent(namespace)}`,
  rateLimitAggregates: '/api/v2/analytics/ratelimits/aggregates/query',
  eventDefinitions: '/api/v2/usage/events/definitions',
  eventsQuery: (pageSize: number) => `/api/v2/usage/events/query?pageSize=${pageSize}`,
  usageJobs: '/api/v2/usage/aggregates/query/jobs',
  usageJobResults: (jobId: string, pageSize: number) =>
    `/api/v2/usage/aggregates/query/jobs/${encodeURIComponent(jobId)}?pageSize=${pageSize}`,
  usageLegacy: '/api/v2/usage/query',
  usageLegacyResults: (executionId: string) =>
    `/api/v2/usage/query/${encodeURIComponent(executionId)}/results`,
} as const;

/** The client-credentials grant (form body of the login). */
export const LOGIN_FORM = 'grant_type=client_credentials';

/**
 * A Day-granularity query of every status metric, grouped by OAuth client. The 2025 jobs API
 * spells it OauthClientId (the legacy API: OAuthClientId).
 */
export function usageQueryBody(
  q: UsageQuery,
  api: 'jobs' | 'legacy',
): Models.OrganizationPublicApiUsageQueryRequest | Models.ApiUsageOrganizationQuery {
  const metrics = ['Requests', 'Status200', 'Status300', 'Status400', 'Status429', 'Status500'] as const;
  if (api === 'jobs')
    return {
      interval: q.interval,
      granularity: 'Day',
      groupBy: [
        'OauthClientId',
        'OauthClientName',
        ...(q.byEndpoint ? (['TemplateUri', 'HttpMethod'] as const) : []),
      ],
      metrics: [...metrics],
    } satisfies Models.OrganizationPublicApiUsageQueryRequest;
  return {
    interval: q.interval,
    granularity: 'Day',
    groupBy: ['OAuthClientId', ...(q.byEndpoint ? (['TemplateUri', 'HttpMethod'] as const) : [])],
    metrics: [...metrics],
  } satisfies Models.ApiUsageOrganizationQuery;
}

/** Rate-limit records grouped by namespace, limit and entity (the client id for token limits). */
export function rateLimitQueryBody(q: RateLimitAggregateQuery) {
  return {
    interval: q.interval,
    ...(q.granularity ? { granularity: q.granularity } : {}),
    groupBy: ['namespace', 'limitName', 'entityId'],
    metrics: ['oRateLimitRecorded'],
  } satisfies Models.RateLimitAggregationQuery;
}

export function eventsQueryBody(q: { interval: string }) {
  return { interval: q.interval } satisfies Models.EventQueryRequest;
}
