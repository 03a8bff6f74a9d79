/** Small HTTP helpers for setting up benchmark state (logins, one request per token, readiness). */
import { request } from 'undici';
import { z } from 'zod';

const tokenSchema = z.object({ access_token: z.string().min(1) }).loose();

export async function login(baseUrl: string, clientId: string, secret: string): Promise<string> {
  const res = await request(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = await res.body.json();
  if (res.statusCode !== 200)
    throw new Error(`login of ${clientId} at ${baseUrl} answered ${res.statusCode}`);
  return tokenSchema.parse(body).access_token;
}

export async function getStatus(url: string, token?: string): Promise<number> {
  const res = await request(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  await res.body.dump();
  return res.statusCode;
}

/** Runs `fn` over `items` with at most `concurrency` at a time. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/** Waits until the agent's /readyz says every enabled source has succeeded once. */
export async function waitReady(agentUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await getStatus(`${agentUrl}/readyz`).catch(() => 0)) === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`agent at ${agentUrl} was not ready within ${timeoutMs} ms`);
}

export interface Scrape {
  bytes: number;
  /** Sample lines (not comments). */
  series: number;
  /** Sample lines whose metric name starts with each given prefix. */
  byPrefix: number[];
  ms: number;
}

/** Scrapes /metrics, counting sample lines as they stream (a 10 000-client scrape is megabytes). */
export async function scrapeMetrics(url: string, prefixes: readonly string[] = []): Promise<Scrape> {
  const t0 = performance.now();
  const res = await request(`${url}/metrics`, { headersTimeout: 120_000, bodyTimeout: 120_000 });
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}`);
  const out = { bytes: 0, series: 0, byPrefix: prefixes.map(() => 0) };
  const text = new TextDecoder();
  let rest = '';
  const line = (l: string) => {
    if (l === '' || l.startsWith('#')) return;
    out.series += 1;
    prefixes.forEach((p, i) => {
      if (l.startsWith(p)) out.byPrefix[i]! += 1;
    });
  };
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    out.bytes += chunk.length;
    const lines = (rest + text.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop()!;
    lines.forEach(line);
  }
  line(rest);
  return { ...out, ms: performance.now() - t0 };
}
