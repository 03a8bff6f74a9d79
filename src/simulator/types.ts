/** Request decorations and route config shared by the simulator's hooks and routes. */
import type { Fault } from './faults.js';
import type { RealToken } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    correlationId: string;
    simToken: RealToken | undefined;
    simFaults: Fault[];
    /** Who called (from the bearer token or Basic auth), for /__sim/calls. */
    callerClientId: string | undefined;
    /** Route template for /__sim/calls when it differs from the Fastify route (the catch-all). */
    callRoute: string | undefined;
  }
  interface FastifyContextConfig {
    /** ANY of these permissions is required (per endpoint in docs/simulator.md). */
    permissions?: readonly string[];
  }
}

export {};
