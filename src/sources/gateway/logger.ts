import type { Logger } from 'pino';

/** The part of a pino (or Fastify) logger the gateway uses. */
export type GatewayLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
