/**
 * Refusing a request whose declared body is too large, so the client really gets the answer.
 * Closing the socket right after the refusal while the client is still sending makes its kernel
 * answer the late bytes with a reset, which can discard the refusal before the client reads it
 * (seen with 2 MB bodies under load). So the answer is written at once, the rest of the body is
 * read and thrown away up to a bound, and only then is the connection closed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Most bytes of a refused body read and discarded before the connection is cut. */
const DISCARD_LIMIT_BYTES = 8 * 1024 * 1024;
/** Longest a refused request's connection stays open to drain its body. */
const DISCARD_DEADLINE_MS = 10_000;

/** The declared body length; NaN when absent or not a plain number. */
export function declaredLength(req: IncomingMessage): number {
  const raw = req.headers['content-length'];
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
}

/**
 * Writes a complete answer (`Connection: close`), then drains the request body up to
 * DISCARD_LIMIT_BYTES or DISCARD_DEADLINE_MS before ending the connection.
 */
export function answerAndDiscard(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
): void {
  res.writeHead(status, {
    ...headers,
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  });
  res.write(body);
  let discarded = 0;
  const finish = (): void => {
    clearTimeout(timer);
    req.off('data', onData);
    if (!res.writableEnded) res.end();
  };
  const onData = (chunk: Buffer): void => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT_BYTES) {
      finish();
      req.socket.destroy();
    }
  };
  const timer = setTimeout(finish, DISCARD_DEADLINE_MS);
  timer.unref();
  req.on('data', onData);
  req.once('end', finish);
  req.once('error', finish);
  req.once('close', finish);
  req.resume();
}
