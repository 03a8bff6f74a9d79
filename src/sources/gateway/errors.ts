/** Responses the gateway writes itself, shaped like Genesys' ErrorBody so SDKs parse them as usual. */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export function sendGenesysError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const contextId = randomUUID();
  const body = JSON.stringify({ message, code, status, contextId, details: [], errors: [] });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'inin-correlation-id': contextId,
    ...extraHeaders,
  });
  res.end(body);
}

/** The normalized Genesys 429 (docs/gateway.md, shaping), used when shaping rejects a request locally. */
export function sendRateLimited(res: ServerResponse, retryAfterSeconds: number): void {
  sendGenesysError(
    res,
    429,
    'too.many.requests.retry.after',
    `Rate limit exceeded the maximum. Retry the request in [${retryAfterSeconds}] seconds`,
    { 'retry-after': String(retryAfterSeconds) },
  );
}
