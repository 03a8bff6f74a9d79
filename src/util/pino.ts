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
      redact: {
        paths: [
          'clientSecret',
          '*.clientSecret',
          'token',
          '*.token',
          'access_token',
          '*.access_token',
          'authorization',
          '*.authorization',
          'headers.authorization',
          'req.headers.authorization',
          'secret',
          '*.secret',
        ],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream,
  );
}
