/**
 * zod schemas of the Genesys responses the client reads, after the official SDK's models
 * (purecloud-platform-client-v2, a dev dependency: its index.d.ts).
 * Objects are not strict: Genesys adds fields over time, and extra fields are ignored.
 * Only the fields the agent uses are declared; a missing or renamed one fails validation.
 */
import { z } from 'zod';

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
});

/** OAuth error body of the token endpoint. */
export const oauthErrorSchema = z.object({
  error: z.string(),
  description: z.string().optional(),
  error_description: z.string().optional(),
});

/** Platform `ErrorBody`; every field optional because error bodies vary. */
export const errorBodySchema = z.object({
  message: z.string().optional(),
  code: z.string().optional(),
  status: z.number().optional(),
});

// --- Usage API, new jobs ---
export const usageJobSubmitSchema = z.object({
  id: z.string().min(1),
  resultsUri: z.string().optional(),
});

export const usageJobEntitySchema = z.object({
  date: z.string(),
  oauthClient: z.object({ id: z.string(), name: z.string().optional() }),
  requestCount: z.number(),
  status200: z.number(),
  status300: z.number(),
  status400: z.number(),
  status429: z.number(),
  status500: z.number(),
});

export const usageJobResultsSchema = z.object({
  queryStatus: z.enum(['Queued', 'Running', 'Succeeded', 'Failed', 'Cancelled']),
  entities: z.array(usageJobEntitySchema).optional(),
  nextUri: z.string().optional(),
  errorBody: errorBodySchema.optional(),
});

// --- Usage API, legacy ---
export const legacyUsageSubmitSchema = z.object({
  executionId: z.string().min(1),
  resultsUri: z.string().optional(),
});

export const legacyUsageRowSchema = z.object({
  date: z.string(),
  clientId: z.string(),
  clientName: z.string().optional(),
  requests: z.number(),
  status200: z.number(),
  status300: z.number(),
  status400: z.number(),
  status429: z.number(),
  status500: z.number(),
});

export const legacyUsageResultsSchema = z.object({
  queryStatus: z.enum(['Running', 'Complete', 'Failed']),
  results: z.array(legacyUsageRowSchema).optional(),
});

// --- OAuth clients ---
export const oauthClientListSchema = z.object({
  entities: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      authorizedGrantType: z.string().optional(),
      state: z.string().optional(),
      accessTokenValiditySeconds: z.number().optional(),
    }),
  ),
});

// --- Organization limits ---
export const limitsListSchema = z.object({
  entities: z.array(z.object({ key: z.string(), namespace: z.string().optional(), value: z.number() })),
});

// --- Analytics rate-limit aggregates ---
export const rateLimitAggregatesSchema = z.object({
  results: z
    .array(
      z.object({
        group: z.object({ namespace: z.string(), limitName: z.string(), entityId: z.string().optional() }),
        data: z
          .array(
            z.object({
              interval: z.string(),
              metrics: z
                .array(
                  z.object({
                    metric: z.string(),
                    stats: z.object({ count: z.number().optional(), max: z.number().optional() }),
                  }),
                )
                .optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

// --- Operational events ---
export const eventDefinitionListSchema = z.object({
  entities: z.array(z.object({ id: z.string(), name: z.string(), description: z.string().optional() })),
});

export const operationalEventSchema = z.object({
  id: z.string().optional(),
  eventDefinition: z.object({ id: z.string(), name: z.string().optional() }),
  entityId: z.string().optional(),
  entityName: z.string().optional(),
  previousValue: z.string().optional(),
  currentValue: z.string().optional(),
  errorCode: z.string().optional(),
  dateCreated: z.iso.datetime({ offset: true }),
});

export const operationalEventPageSchema = z.object({
  entities: z.array(operationalEventSchema).optional(),
  nextUri: z.string().optional(),
});

// --- Token introspection (`GET /api/v2/tokens/me`, SDK model TokenInfo) ---
export const tokenInfoSchema = z.object({
  organization: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
  OAuthClient: z.object({ id: z.string(), name: z.string() }),
});

/** Turns the first zod issue into "field `a.b[0].c`: <what is wrong>" for one-line errors. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unexpected body';
  const path = issue.path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
    '',
  );
  return `field \`${path || '(root)'}\`: ${issue.message}`;
}
