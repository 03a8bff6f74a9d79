/**
 * The Node flags the agent runs with, declared once: src/bin.ts re-executes itself with them however
 * it is started (`npm start`, the image, an installed binary), and the bench gives its floors the same.
 * Each one's gain is measured in docs/performance.md: a 4 MB young generation on any host (2 MB and
 * 1 MB cost 1.17× the gateway's CPU per request), undici's WebAssembly parser kept on V8's baseline
 * tier (8 MB less idle RSS, 13 MB less under load), and an old generation sized from the container's
 * memory limit (fits 128 MiB; at 50 % the collector cost a third of the throughput).
 */
export const NODE_FLAGS = [
  '--max-semi-space-size=4',
  '--liftoff-only',
  '--max-old-space-size-percentage=65',
] as const;
