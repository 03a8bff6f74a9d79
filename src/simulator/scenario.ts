/** The scenario schema, its validation and one-line errors; loading by name or file is in scenarios/index.ts. */
import { z } from 'zod';
import { faultSchema } from './faults.js';
import { hashString, stableUuid } from './rng.js';

/** A user mistake in a scenario: one line naming the file, the key path and the fix. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

const endpointSchema = z.strictObject({
  templateUri: z.string().regex(/^[^/]/, 'templateUri has no leading slash, e.g. api/v2/users'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  weight: z.number().positive().default(1),
});

export const trafficSchema = z.strictObject({
  profile: z.enum(['steady', 'ramp', 'burst', 'runaway']).default('steady'),
  /** Requests per minute for the whole client, spread evenly over its tokens. */
  rpm: z.number().nonnegative(),
  /** ramp: rate at the end of each UTC day; burst: rate inside a burst; runaway: rate once it ran away. */
  peakRpm: z.number().nonnegative().optional(),
  burstEveryMinutes: z.number().int().positive().default(60),
  burstMinutes: z.number().int().positive().default(5),
  /** runaway: minutes before simulator start when the runaway began (default: all of history). */
  runawaySinceMinutes: z.number().int().nonnegative().optional(),
  /** Relative per-minute noise, 0 = perfectly flat. */
  jitter: z.number().min(0).max(1).default(0.1),
  /** Shares of admitted requests answered 3xx, 4xx (other than 429) and 5xx. */
  redirectRate: z.number().min(0).max(1).default(0),
  errorRate4xx: z.number().min(0).max(1).default(0.01),
  errorRate5xx: z.number().min(0).max(1).default(0.002),
  endpoints: z
    .array(endpointSchema)
    .min(1)
    .default([{ templateUri: 'api/v2/users', method: 'GET', weight: 1 }]),
});
export type Traffic = z.output<typeof trafficSchema>;

const permissionsSchema = z.array(z.string().min(1)).optional();

const clientSchema = z.strictObject({
  id: z.string().min(1).optional(),
  name: z.string().min(1),
  secret: z.string().min(1).optional(),
  tokens: z.number().int().min(1).max(100).default(1),
  tokenValiditySeconds: z.number().int().min(300).max(38_880_000).default(86_400),
  permissions: permissionsSchema,
  traffic: trafficSchema.optional(),
  /** The client exists from the start of this many UTC days ago (default: all of history). */
  createdDaysAgo: z.number().int().nonnegative().optional(),
  /** The client was deleted at the start of this many UTC days ago. */
  deletedDaysAgo: z.number().int().nonnegative().optional(),
  /** The client appears this many minutes after simulator start (churn while running). */
  createdAfterMinutes: z.number().int().nonnegative().optional(),
  /** The client is deleted this many minutes after simulator start. */
  deletedAfterMinutes: z.number().int().nonnegative().optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string().default('custom'),
  description: z.string().optional(),
  seed: z.number().int().optional(),
  org: z.strictObject({ id: z.string().min(1), name: z.string().min(1) }),
  agent: z.strictObject({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    name: z.string().min(1).default('Usage Agent'),
    tokenValiditySeconds: z.number().int().min(300).max(38_880_000).default(86_400),
    /** ANY-of permission strings the agent holds; omitted = every permission. */
    permissions: permissionsSchema,
  }),
  clients: z.array(clientSchema).default([]),
  /** Clients per page of `GET /api/v2/oauth/clients` when the caller names none (an assumption: 25). */
  clientsPageSize: z.number().int().min(1).max(500).default(25),
  usage: z
    .strictObject({
      publication: z.enum(['daily', 'intraday']).default('daily'),
      lagSeconds: z.number().int().nonnegative().default(0),
      historyDays: z.number().int().min(0).max(400).default(45),
      /** Polls a usage job answers Queued/Running before it completes. */
      jobPolls: z.number().int().min(0).max(100).default(2),
      /** Requests/min of each of Genesys' built-in clients (`purecloud`, `purecloud-builtin`); 0 = none. */
      builtinClientsRpm: z.number().nonnegative().default(0),
      /**
       * How served rows count 429s: inside `status400` (requests = 2xx+3xx+4xx+5xx) or beside it
       * (requests = that + 429, as the usage-api-blueprint's Month row). docs/simulator.md.
       */
      status429: z.enum(['inStatus400', 'separate']).default('inStatus400'),
    })
    .prefault({}),
  limits: z.record(z.string(), z.number().nonnegative()).default({}),
  ratelimits: z
    .strictObject({
      /** How long rate-limit records and operational events are kept (the platform keeps events 10 days). */
      retentionHours: z.number().positive().max(240).default(24),
    })
    .prefault({}),
  faults: z.array(faultSchema).default([]),
  /**
   * Answer like the SDK's models allow at their sparsest: every optional field left out wherever the
   * data survives (docs/simulator.md). Switchable at run time with `PUT /__sim/mode`.
   */
  sparse: z.boolean().default(false),
});
export type ScenarioInput = z.input<typeof scenarioSchema>;

export const LIMIT_KEY = 'client.credentials.token.rate.per.minute';
export const DEFAULT_LIMITS: Readonly<Record<string, number>> = {
  [LIMIT_KEY]: 300,
  'token.rate.per.minute': 300,
  'org.app.user.rate.per.minute': 300,
  'org.user.rate.per.minute': 3000,
  'request.bytes.max': 512_000,
};

export interface ScenarioClient {
  id: string;
  name: string;
  secret: string;
  tokens: number;
  tokenValiditySeconds: number;
  permissions: string[] | undefined;
  traffic: Traffic | undefined;
  createdDaysAgo: number | undefined;
  deletedDaysAgo: number | undefined;
  createdAfterMinutes: number | undefined;
  deletedAfterMinutes: number | undefined;
}

export type Scenario = Omit<z.output<typeof scenarioSchema>, 'clients' | 'seed'> & {
  seed: number;
  clients: ScenarioClient[];
};

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(top level)' : out;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

/**
 * An unknown key first: a misspelt key also shows up as the real key "missing", and the message
 * must name the key the author actually wrote.
 */
function firstIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
}

/** Keys that are required next to `path` and absent: what a misspelt key was probably meant to be. */
function missingSiblings(path: readonly PropertyKey[], issues: readonly z.core.$ZodIssue[]): string[] {
  const parent = JSON.stringify(path);
  return issues
    .filter((i) => i.code === 'invalid_type' && i.input === undefined && i.path.length === path.length + 1)
    .filter((i) => JSON.stringify(i.path.slice(0, -1)) === parent)
    .map((i) => String(i.path.at(-1)));
}

function issueText(
  issue: z.core.$ZodIssue,
  issues: readonly z.core.$ZodIssue[] = [],
): { path: readonly PropertyKey[]; text: string } {
  switch (issue.code) {
    case 'invalid_value':
      return {
        path: issue.path,
        text: `expected one of ${issue.values.map(String).join('|')}, got ${describe(issue.input)}`,
      };
    case 'unrecognized_keys': {
      const missing = missingSiblings(issue.path, issues);
      return {
        path: [...issue.path, issue.keys[0] ?? ''],
        text:
          missing.length > 0
            ? `unknown key; did you mean ${missing.map((k) => `"${k}"`).join(' or ')}?`
            : 'unknown key; remove it or check its spelling',
      };
    }
    case 'invalid_type':
      return { path: issue.path, text: `expected ${issue.expected}, got ${describe(issue.input)}` };
    default:
      return { path: issue.path, text: `${issue.message}, got ${describe(issue.input)}` };
  }
}

/** Validates an already-parsed scenario; `source` names it in errors. */
export function parseScenario(input: unknown, source: string): Scenario {
  const result = scenarioSchema.safeParse(input, { reportInput: true });
  if (!result.success) {
    const first = firstIssue(result.error.issues);
    if (!first) throw new ScenarioError(`${source}: invalid scenario`);
    const { path, text } = issueText(first, result.error.issues);
    throw new ScenarioError(`${source}: ${formatPath(path)}: ${text}`);
  }
  const s = result.data;
  const seed = s.seed ?? 1;
  const ids = new Set<string>([s.agent.clientId]);
  const clients = s.clients.map((c, i): ScenarioClient => {
    const id = c.id ?? stableUuid(seed, hashString(c.name), i);
    if (ids.has(id))
      throw new ScenarioError(
        `${source}: clients[${i}].id: duplicate client id "${id}"; give each client its own id`,
      );
    ids.add(id);
    if (c.traffic?.profile === 'runaway' || c.traffic?.profile === 'burst' || c.traffic?.profile === 'ramp') {
      if (c.traffic.peakRpm === undefined)
        throw new ScenarioError(
          `${source}: clients[${i}].traffic.peakRpm: required for profile ${c.traffic.profile}; add peakRpm: <requests per minute>`,
        );
    }
    return {
      id,
      name: c.name,
      secret: c.secret ?? `${c.name}-secret`,
      tokens: c.tokens,
      tokenValiditySeconds: c.tokenValiditySeconds,
      permissions: c.permissions,
      traffic: c.traffic,
      createdDaysAgo: c.createdDaysAgo,
      deletedDaysAgo: c.deletedDaysAgo,
      createdAfterMinutes: c.createdAfterMinutes,
      deletedAfterMinutes: c.deletedAfterMinutes,
    };
  });
  return { ...s, seed, clients, limits: { ...DEFAULT_LIMITS, ...s.limits } };
}
