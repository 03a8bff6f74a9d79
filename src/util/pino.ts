import pino, { type Logger } from 'pino';

/**
 * The agent's logger: JSON lines on stderr (stdout stays clean for `once --json`), with every
 * place a credential could hide redacted as a second line of defence.
 */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: { service: 'genesys-usage-agent' },
      // Errors are logged by type, code and message only: some carry the raw request (Node's parser
      // errors' `rawPacket`, undici's request options), which must never reach a log line.
      serializers: { err: safeError },
      redact: {
        paths: [
          ...['clientSecret', 'token', 'access_token', 'authorization', 'secret'].flatMap((k) => [
            k,
            `*.${k}`,
          ]),
          'headers.authorization',
          'req.headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream,
  );
}

function safeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & { code?: unknown; statusCode?: unknown };
  return {
    type: e.name,
    message: e.message.split('\n')[0],
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
  };
}
