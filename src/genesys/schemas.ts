/**
 * zod schemas of the Genesys responses the client reads. Optionality follows the official SDK's
 * models field by field (purecloud-platform-client-v2 `index.d.ts`, generated from Genesys' own
 * OpenAPI spec): what the SDK marks optional may be absent in production. Absent counters read as 0
 * and absent names fall back to ids. Lists are parsed record by record (src/genesys/records.ts):
 * a record lacking what the agent truly needs (the `*RecordSchema`s' required fields) is skipped
 * and counted, never the whole response. Objects are not strict, and fields the agent does not
 * read are not declared.
 */
import { z } from 'zod';

/** A counter the SDK marks optional: absent (or null) means none. */
const count = z
  .number()
  .nullish()
  .transform((v) => v ?? 0);
/** A list the SDK marks optional: absent (or null) means empty; records are checked one by one. */
const records = z
  .array(z.unknown())
  .nullish()
  .transform((v) => v ?? []);
/** The SDK's `*EntityListing`s the agent reads: limits, event definitions (one page), OAuth clients and events (paged). */
export const listingSchema = z.object({ entities: records, nextUri: z.string().nullish() });

/** A date the agent buckets by: `yyyy-MM-dd` or a timestamp. */
const dateString = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'not a date');

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});

/** OAuth error body of the token endpoint. */
export const oauthErrorSchema = z.object({
  error: z.string(),
  description: z.string().optional(),
  error_description: z.string().optional(),
});

/** Platform `ErrorBody`; every field optional because error bodies vary. */
export const errorBodySchema = z.object({ message: z.string().optional(), code: z.string().optional() });

// --- Usage API, new jobs (SDK OrganizationUsageQueryResponse, OrganizationPublicApiUsageResultsResponse) ---
export const usageJobSubmitSchema = z.object({ id: z.string().min(1) });

/** `OrganizationPublicApiUsage`: every field optional in the SDK; the agent needs the day and the client id. */
export const usageJobRecordSchema = z.object({
  date: dateString,
  oauthClient: z.object({ id: z.string().min(1), name: z.string().nullish() }),
  templateUri: z.string().nullish(),
  httpMethod: z.string().nullish(),
  // Absent is not zero here: its presence decides how the row counts 429s (usage.ts split429).
  requestCount: z.number().nullish(),
  status200: count,
  status300: count,
  status400: count,
  status429: count,
  status500: count,
});

export const usageJobResultsSchema = z.object({
  queryStatus: z.enum(['Queued', 'Running', 'Succeeded', 'Failed', 'Cancelled']),
  entities: records,
  nextUri: z.string().nullish(),
  errorBody: errorBodySchema.nullish(),
});

// --- Usage API, legacy (SDK UsageExecutionResult, ApiUsageQueryResult) ---
export const legacyUsageSubmitSchema = z.object({ executionId: z.string().min(1) });

/** `ApiUsageRow`: every field optional in the SDK; the agent needs the day and the client id. */
export const legacyUsageRecordSchema = z.object({
  date: dateString,
  clientId: z.string().min(1),
  clientName: z.string().nullish(),
  templateUri: z.string().nullish(),
  httpMethod: z.string().nullish(),
  requests: z.number().nullish(),
  status200: count,
  status300: count,
  status400: count,
  status429: count,
  status500: count,
});

export const legacyUsageResultsSchema = z.object({
  // Optional in the SDK, but without it a result cannot be told from a running query.
  queryStatus: z.enum(['Running', 'Complete', 'Failed']),
  results: records,
});

// --- OAuth clients (SDK OAuthClientEntityListing, OAuthClient) ---
/** `OAuthClient`: the SDK requires `name`; the agent needs only `id` (the name falls back to it). */
export const oauthClientRecordSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().nullish(),
    authorizedGrantType: z.string().nullish(),
    state: z.string().nullish(),
    accessTokenValiditySeconds: z.number().nullish(),
  })
  .transform((c) => ({
    id: c.id,
    name: c.name || c.id,
    ...(c.authorizedGrantType ? { authorizedGrantType: c.authorizedGrantType } : {}),
    ...(c.state ? { state: c.state } : {}),
    ...(typeof c.accessTokenValiditySeconds === 'number'
      ? { accessTokenValiditySeconds: c.accessTokenValiditySeconds }
      : {}),
  }));

// --- Organization limits (SDK LimitsEntityListing, Limit: all optional) ---
export const limitRecordSchema = z.object({
  key: z.string().min(1),
  namespace: z.string().nullish(),
  value: z.number(),
});

// --- Analytics rate-limit aggregates (SDK RateLimitAggregateQueryResponse) ---
/** `RateLimitAggregateDataContainer`: `group` is a free string map; namespace and limit name are needed. */
export const rateLimitRecordSchema = z
  .object({
    group: z.looseObject({
      namespace: z.string().min(1),
      limitName: z.string().min(1),
      entityId: z.string().nullish(),
    }),
    data: z
      .array(
        z.object({
          interval: z.string().min(1),
          metrics: z
            .array(
              z.object({
                metric: z.string().nullish(),
                stats: z.object({ count: z.number().nullish(), max: z.number().nullish() }).nullish(),
              }),
            )
            .nullish(),
        }),
      )
      .nullish(),
  })
  .transform((r) => ({
    namespace: r.group.namespace,
    limitName: r.group.limitName,
    entityId: r.group.entityId ?? '',
    /** One entry per interval bucket. */
    data: (r.data ?? []).map((bucket) => {
      const stats = bucket.metrics?.find((m) => m.metric === 'oRateLimitRecorded')?.stats;
      return { interval: bucket.interval, count: stats?.count ?? 0, max: stats?.max ?? null };
    }),
  }));
export const rateLimitAggregatesSchema = z.object({ results: records });

// --- Operational events (SDK EventDefinitionListing, OperationalEventResponse) ---
/** `EventDefinition`: all optional; the agent needs the id (the name falls back to it). */
export const eventDefinitionRecordSchema = z
  .object({ id: z.string().min(1), name: z.string().nullish(), description: z.string().nullish() })
  .transform((d) => ({
    id: d.id,
    name: d.name || d.id,
    ...(d.description ? { description: d.description } : {}),
  }));

/** `OperationalEvent`: all optional; the agent needs the definition id and when it happened. */
export const operationalEventRecordSchema = z
  .object({
    // Not in the REST model; kept should a future version add one.
    id: z.string().nullish(),
    eventDefinition: z.object({ id: z.string().min(1), name: z.string().nullish() }),
    entityId: z.string().nullish(),
    entityName: z.string().nullish(),
    previousValue: z.string().nullish(),
    currentValue: z.string().nullish(),
    errorCode: z.string().nullish(),
    dateCreated: z.iso.datetime({ offset: true }),
  })
  .transform((e) => ({
    // Without an id, this key is stable across polls of the same event.
    id: e.id ?? [e.eventDefinition.id, e.entityId ?? '', e.dateCreated, e.currentValue ?? ''].join('|'),
    eventDefinitionId: e.eventDefinition.id,
    eventDefinitionName: e.eventDefinition.name || e.eventDefinition.id,
    entityId: e.entityId ?? null,
    entityName: e.entityName ?? null,
    previousValue: e.previousValue ?? null,
    currentValue: e.currentValue ?? null,
    errorCode: e.errorCode ?? null,
    /** Epoch ms. */
    timestamp: Date.parse(e.dateCreated),
  }));

// --- Token introspection (`GET /api/v2/tokens/me`, SDK TokenInfo) ---
/** One record, not a list: without the client id the token cannot be attributed, so the call fails. */
export const tokenInfoSchema = z
  .object({
    organization: z.object({ id: z.string().nullish(), name: z.string().nullish() }).nullish(),
    OAuthClient: z.object({ id: z.string().min(1), name: z.string().nullish() }),
  })
  .transform((t) => ({
    clientId: t.OAuthClient.id,
    clientName: t.OAuthClient.name || t.OAuthClient.id,
    /** Org id the token belongs to, when the API says. */
    ...(t.organization?.id ? { organizationId: t.organization.id } : {}),
  }));
