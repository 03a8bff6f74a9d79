/**
 * What the agent port does with a request the HTTP parser refused (oversize headers, a control
 * character, CL+TE, garbage). Fastify's default logs the whole error, and `err.rawPacket` is the
 * raw request bytes: Authorization header, cookies and tokens included. This one logs the parser's
 * code only and answers like Node does.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

const STATUS = new Map([
  ['ERR_HTTP_REQUEST_TIMEOUT', 408],
  ['HPE_HEADER_OVERFLOW', 431],
]);

/** Fastify calls it bound to the instance. */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = STATUS.get(err.code ?? '') ?? 400;
  this.log.debug({ code: err.code ?? 'unknown', status }, 'client error: request refused by the HTTP parser');
  if (socket.writable) {
    const body = JSON.stringify({ error: STATUS_CODES[status], statusCode: status });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${body.length}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
