/** Responses the gateway writes itself, shaped like Genesys' ErrorBody so SDKs parse them as usual. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerAndDiscard } from '../../util/oversize.js';
import type { REFUSAL_REASONS } from '../../telemetry/catalogue.js';

export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** A Genesys error's body and headers. */
export function genesysError(
  status: number,
  code: string,
  message: string,
  extraHeaders?: Record<string, string>,
) {
  const contextId = randomUUID();
  return {
    headers: { 'content-type': 'application/json', 'inin-correlation-id': contextId, ...extraHeaders },
    body: JSON.stringify({ message, code, status, contextId, details: [], errors: [] }),
  };
}

/**
 * Answers with a Genesys error. A `refused` request whose body is still coming is drained for a
 * bounded time, then closed (util/oversize.ts): not reset before its client can read the answer.
 */
export function sendGenesysError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extraHeaders: Record<string, string> = {},
  refused = false,
): void {
  if (res.headersSent) return void res.destroy();
  const { headers, body } = genesysError(status, code, message, extraHeaders);
  if (refused && hasBody(res.req) && !res.req.complete)
    return answerAndDiscard(res.req, res, status, headers, body);
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (len !== undefined && len !== '0');
}
