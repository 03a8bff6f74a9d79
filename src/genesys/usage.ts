/** The two Usage API flows (submit a job, poll it, page through it) normalised to UsageRow. */
import type { Clock } from '../util/clock.js';
import { EndpointUnavailableError, type UsageQuery, type UsageRow } from './api.js';
import { canonicalEndpoint, methodLabel } from './endpoints/index.js';
import { GenesysApiError } from './errors.js';
import { PagingGuard } from './paging.js';
import type { RecordSkips } from './records.js';
import {
  legacyUsageRecordSchema,
  legacyUsageResultsSchema,
  legacyUsageSubmitSchema,
  usageJobRecordSchema,
  usageJobResultsSchema,
  usageJobSubmitSchema,
} from './schemas.js';
import {
  JOBS_RESULTS,
  JOBS_SUBMIT,
  LEGACY_RESULTS,
  LEGACY_SUBMIT,
  PATHS,
  usageQueryBody,
} from './requests.js';
import { Transport } from './transport.js';

export interface UsageDeps {
  transport: Transport;
  clock: Clock;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  poll: { initialMs: number; maxMs: number; timeoutMs: number };
  skips: RecordSkips;
}

/** Statuses of a job submit meaning "this API is not offered here" rather than "this call went wrong". */
const UNAVAILABLE = new Set([403, 404, 410, 501]);
const PAGE_SIZE = 1000;
/** Far above any real org (≤ 90 days × clients / 1000 per page); stops a server that never ends. */
const MAX_PAGES = 500;

export async function queryUsageAggregates(
  d: UsageDeps,
  q: UsageQuery,
  signal?: AbortSignal,
): Promise<UsageRow[]> {
  const json = usageQueryBody(q, 'jobs');
  const submit = { endpoint: JOBS_SUBMIT, path: PATHS.usageJobs, json, retry: 'submit', signal } as const;
  const { id } = await d.transport.request(usageJobSubmitSchema, submit).catch((err: unknown) => {
    const status = err instanceof GenesysApiError && err.endpoint === JOBS_SUBMIT ? err.status : null;
    if (status !== null && UNAVAILABLE.has(status)) throw new EndpointUnavailableError(JOBS_SUBMIT, status);
    throw err;
  });
  const firstPath = PATHS.usageJobResults(id, PAGE_SIZE);
  const read = (path: string) =>
    d.transport.request(usageJobResultsSchema, { endpoint: JOBS_RESULTS, path, signal });

  let page = await pollUntil(d, signal, JOBS_RESULTS, async () => {
    const res = await read(firstPath);
    if (res.queryStatus === 'Failed' || res.queryStatus === 'Cancelled') {
      const why = res.errorBody?.message ?? res.errorBody?.code;
      throw new GenesysApiError(
        `usage job ${res.queryStatus.toLowerCase()}${why ? `: ${why}` : ''}`,
        null,
        JOBS_RESULTS,
        'job_failed',
      );
    }
    return res.queryStatus === 'Succeeded' ? res : null;
  });

  const rows: UsageRow[] = [];
  const guard = new PagingGuard('usage job', JOBS_RESULTS, MAX_PAGES);
  for (;;) {
    const where = { source: 'usage', endpoint: JOBS_RESULTS } as const;
    for (const e of d.skips.keep(page.entities, usageJobRecordSchema, where))
      rows.push(toRow(q, { ...e, requests: e.requestCount }, e.oauthClient.id, e.oauthClient.name));
    if (!page.nextUri) return rows;
    page = await read(guard.follow(page.nextUri));
  }
}

type Counted = Pick<UsageRow, 'status200' | 'status300' | 'status429' | 'status500'> & {
  status400: number;
  requests?: number | null | undefined;
};

/**
 * Whether `status400` holds the 429s, decided by the row's own arithmetic (docs/simulator.md,
 * assumptions): the reading whose sum is nearer to `requests` — 2xx+3xx+4xx+5xx (inside) or that +
 * 429 (beside, as the usage-api-blueprint's Month row) — wins; no `requests` at all means beside.
 */
export function split429(
  r: Counted,
): Pick<UsageRow, 'requests' | 'status200' | 'status300' | 'status4xx' | 'status429' | 'status500'> {
  const classes = r.status200 + r.status300 + r.status400 + r.status500;
  // Nearer to `classes` than to `classes + 429`, so a row off by a few requests is still read right.
  const inside = r.requests != null && 2 * r.requests < 2 * classes + r.status429;
  return {
    requests: r.requests ?? classes + r.status429,
    status200: r.status200,
    status300: r.status300,
    status4xx: inside ? Math.max(0, r.status400 - r.status429) : r.status400,
    status429: r.status429,
    status500: r.status500,
  };
}

/** A template as a label value; anything that does not look like one is `other`, never raw input. */
const TEMPLATE = /^[A-Za-z0-9_.~{}/-]{1,200}$/;

/** The `endpoint` and `method` labels of a usage row: the catalogue's spelling (leading slash), as the gateway's. */
export function endpointOf(
  templateUri: string | null | undefined,
  method: string | null | undefined,
): { endpoint: string; method: string } {
  const t = templateUri?.replace(/^\/+/, '') ?? '';
  return { endpoint: TEMPLATE.test(t) ? canonicalEndpoint(t) : 'other', method: methodLabel(method ?? '') };
}

export async function queryUsageLegacy(
  d: UsageDeps,
  q: UsageQuery,
  signal?: AbortSignal,
): Promise<UsageRow[]> {
  const json = usageQueryBody(q, 'legacy');
  const submit = { endpoint: LEGACY_SUBMIT, path: PATHS.usageLegacy, json, retry: 'submit', signal } as const;
  const { executionId } = await d.transport.request(legacyUsageSubmitSchema, submit);
  const path = PATHS.usageLegacyResults(executionId);

  const done = await pollUntil(d, signal, LEGACY_RESULTS, async () => {
    const res = await d.transport.send({ endpoint: LEGACY_RESULTS, path, signal });
    const body = Transport.parse(legacyUsageResultsSchema, res, LEGACY_RESULTS);
    if (body.queryStatus === 'Failed')
      throw new GenesysApiError('legacy usage query failed', res.status, LEGACY_RESULTS, 'job_failed');
    return body.queryStatus === 'Complete' ? body : null;
  });
  const where = { source: 'usage', endpoint: LEGACY_RESULTS } as const;
  return d.skips
    .keep(done.results, legacyUsageRecordSchema, where)
    .map((r) => toRow(q, r, r.clientId, r.clientName));
}

/** Calls `check` until it yields a value, sleeping with doubling waits; fails after `timeoutMs`. */
async function pollUntil<T>(
  d: UsageDeps,
  signal: AbortSignal | undefined,
  endpoint: string,
  check: () => Promise<T | null>,
): Promise<T> {
  const deadline = d.clock.now() + d.poll.timeoutMs;
  let waitMs = d.poll.initialMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (d.clock.now() + waitMs > deadline) {
      throw new GenesysApiError(
        `usage query still running after ${Math.round(d.poll.timeoutMs / 1000)} s`,
        null,
        endpoint,
        'job_timeout',
      );
    }
    await d.sleep(waitMs, signal);
    waitMs = Math.min(d.poll.maxMs, waitMs * 2);
  }
}

/** A record of either API as a row. */
function toRow(
  q: UsageQuery,
  r: Counted & { date: string; templateUri?: string | null; httpMethod?: string | null },
  clientId: string,
  clientName: string | null | undefined,
): UsageRow {
  return {
    // `yyyy-MM-dd` stays; a timestamp (`2020-02-02T00:00:00Z`) becomes its UTC day (the schema checked it parses).
    date: /^\d{4}-\d{2}-\d{2}$/.test(r.date)
      ? r.date
      : new Date(Date.parse(r.date)).toISOString().slice(0, 10),
    clientId,
    clientName: clientName ?? '',
    ...split429(r),
    ...(q.byEndpoint ? endpointOf(r.templateUri, r.httpMethod) : {}),
  };
}
