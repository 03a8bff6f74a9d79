/**
 * The agent as shipped: `node dist/src/bin.js run`, as `npm start` and the image start it (the
 * binary applies its own Node flags), configured through the environment only. Benchmarks start it
 * this way so the figures are those an operator gets.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MemoryCgroup } from './cgroup.js';
import { getStatus } from './http.js';
import { freePort, startMeasured, type MeasuredProcess } from './process.js';

/** The checkout: the nearest folder above this module with a package.json (from bench/ or dist/bench/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: no package.json above bench/lib');
    dir = up;
  }
  return dir;
}
const ROOT = repoRoot();
const CLI = join(ROOT, 'dist/src/bin.js');

export interface ShippedAgent {
  url: string;
  gatewayUrl: string | null;
  proc: MeasuredProcess;
}

/** `genesys-usage-agent run` as npm start runs it, on free loopback ports; resolves once it answers. */
export async function startShippedAgent(
  env: Record<string, string>,
  opts: { gateway: boolean; cgroup?: MemoryCgroup; extraFlags?: string[] },
): Promise<ShippedAgent> {
  const port = await freePort();
  const gatewayPort = opts.gateway ? await freePort() : null;
  const proc = startMeasured(process.execPath, [...(opts.extraFlags ?? []), CLI, 'run'], {
    env: {
      ...env,
      AGENT_HOST: '127.0.0.1',
      AGENT_PORT: String(port),
      ...(gatewayPort ? { AGENT_GATEWAY_PORT: String(gatewayPort) } : {}),
    },
    ...(opts.cgroup ? { cgroup: opts.cgroup } : {}),
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 30_000;
  while ((await getStatus(`${url}/healthz`).catch(() => 0)) !== 200) {
    const end = proc.ended();
    if (end)
      throw new Error(`agent exited (${end.code ?? end.signal}) before it answered: ${proc.stderr().trim()}`);
    if (performance.now() > deadline) {
      await proc.stop();
      throw new Error(`agent did not answer /healthz within 30 s: ${proc.stderr().trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, gatewayUrl: gatewayPort ? `http://127.0.0.1:${gatewayPort}` : null, proc };
}
