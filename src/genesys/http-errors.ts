/**
 * HTTP failures as one-line errors, shared by the Genesys client's transport and the gateway's
 * proxy (src/sources/gateway/proxy.ts).
 */
import { GenesysApiError, oneLine } from './errors.js';
import { errorBodySchema, oauthErrorSchema } from './schemas.js';

/** Error from a non-2xx answer: endpoint, status and Genesys' own code/message only. */
export function errorFromResponse(endpoint: string, status: number, text: string): GenesysApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page, say): the status alone describes it.
  }
  const oauth = oauthErrorSchema.safeParse(body).data;
  const platform = errorBodySchema.safeParse(body).data;
  const code = oauth ? oauth.error : platform?.code;
  const detail = oauth ? (oauth.error_description ?? oauth.description) : platform?.message;
  const suffix = [code, detail].filter(Boolean).join(': ');
  return new GenesysApiError(
    `${endpoint} failed: HTTP ${status}${suffix ? ` ${oneLine(suffix, 200)}` : ''}`,
    status,
    endpoint,
    code,
    detail === undefined ? undefined : oneLine(detail, 200),
  );
}

export function networkError(endpoint: string, reason: string): GenesysApiError {
  return new GenesysApiError(`${endpoint} failed: no response (${reason})`, null, endpoint);
}

/** A 2xx body as JSON (undefined when empty); malformed JSON is an `invalid_response`. */
export function parseJson(text: string, status: number, endpoint: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GenesysApiError(
      `${endpoint} returned malformed JSON (HTTP ${status})`,
      status,
      endpoint,
      'invalid_response',
    );
  }
}

/**
 * The code of a failed request (`ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT` …), never its message
 * (messages may quote URLs or headers). undici's generic socket error defers to its cause's code.
 */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e.code === 'string' && e.code !== 'UND_ERR_SOCKET') return e.code;
  if (typeof e.cause?.code === 'string') return e.cause.code;
  return typeof e.code === 'string' ? e.code : undefined;
}
