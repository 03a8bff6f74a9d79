/** Small HTTP helpers for simulator tests (loopback only). */
import { fetchTruth } from '../helpers/sim-truth.js';

// Response bodies are checked field by field by the assertions that read them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;
export async function login(url: string, id: string, secret: string): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`login ${id}: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function call(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; text: string; json: () => Loose }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

export const truth = fetchTruth;

/** Submits a new-API org job and returns every entity of every page. */
export async function runUsageJob(url: string, token: string, query: unknown): Promise<Loose[]> {
  const submit = await call(url, token, 'POST', '/api/v2/usage/aggregates/query/jobs', query);
  if (submit.status !== 202) throw new Error(`submit: ${submit.status} ${submit.text}`);
  let next: string | undefined = `${submit.json().resultsUri}?pageSize=1000`;
  const entities: Loose[] = [];
  for (let i = 0; next && i < 1000; i++) {
    const page = await call(url, token, 'GET', next);
    if (page.status === 202) continue;
    if (page.status !== 200) throw new Error(`page: ${page.status} ${page.text}`);
    entities.push(...page.json().entities);
    next = page.json().nextUri;
  }
  return entities;
}

/** Submits a legacy query and returns its rows once Complete. */
export async function runLegacyQuery(url: string, token: string, query: unknown): Promise<Loose[]> {
  const submit = await call(url, token, 'POST', '/api/v2/usage/query', query);
  if (submit.status !== 202) throw new Error(`submit: ${submit.status} ${submit.text}`);
  for (let i = 0; i < 100; i++) {
    const r = (await call(url, token, 'GET', submit.json().resultsUri)).json();
    if (r.queryStatus === 'Complete') return r.results;
  }
  throw new Error('legacy query never completed');
}
