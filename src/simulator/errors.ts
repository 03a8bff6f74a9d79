/** Genesys `ErrorBody` responses (the SDK's `ErrorBody` model). */
import type { FastifyReply, FastifyRequest } from 'fastify';

const MESSAGES: Record<number, string> = {
  400: 'The request could not be understood by the server due to malformed syntax.',
  401: 'No authentication bearer token specified in authorization header.',
  403: 'You are not authorized to perform the requested action.',
  404: 'The requested resource was not found.',
  408: 'The client did not produce a request within the server timeout limit.',
  413: 'The request is over the size limit.',
  415: 'Unsupported Media Type - Unsupported or incorrect media type, such as an incorrect Content-Type value in the header.',
  429: 'Rate limit exceeded the maximum. Retry the request in [%s] seconds',
  500: 'The server encountered an unexpected condition which prevented it from fulfilling the request.',
  502: 'Bad gateway.',
  503: 'Service Unavailable - The server is currently unavailable (because it is overloaded or down for maintenance).',
  504: 'The request timed out.',
};

const CODES: Record<number, string> = {
  400: 'bad.request',
  401: 'authentication.required',
  403: 'missing.any.permissions',
  404: 'not.found',
  408: 'request.timeout',
  413: 'request.entity.too.large',
  415: 'unsupported.media.type',
  429: 'too.many.requests.retry.after',
  500: 'internal.server.error',
  502: 'bad.gateway',
  503: 'service.unavailable',
  504: 'gateway.timeout',
};

export interface ErrorBody {
  message: string;
  code: string;
  status: number;
  messageWithParams?: string;
  messageParams: Record<string, string>;
  contextId: string;
  details: unknown[];
  errors: unknown[];
}

export function errorBody(
  status: number,
  contextId: string,
  opts: { code?: string; message?: string; params?: Record<string, string> } = {},
): ErrorBody {
  const body: ErrorBody = {
    message: opts.message ?? MESSAGES[status] ?? `HTTP ${status}`,
    code: opts.code ?? CODES[status] ?? 'error',
    status,
    messageParams: opts.params ?? {},
    contextId,
    details: [],
    errors: [],
  };
  if (opts.params) body.messageWithParams = body.message;
  return body;
}

/** The normalized 429 (docs/simulator.md, endpoints served). */
function tooManyRequests(contextId: string, retryAfter: number): ErrorBody {
  return errorBody(429, contextId, {
    message: `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`,
  });
}

export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  opts: { code?: string; message?: string; params?: Record<string, string>; retryAfter?: number } = {},
): FastifyReply {
  if (opts.retryAfter !== undefined) reply.header('Retry-After', String(opts.retryAfter));
  const body =
    status === 429 && opts.message === undefined
      ? tooManyRequests(request.correlationId, opts.retryAfter ?? 1)
      : errorBody(status, request.correlationId, opts);
  return reply.code(status).type('application/json').send(body);
}
