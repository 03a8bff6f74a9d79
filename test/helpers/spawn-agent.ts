import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deadline } from './clock.js';

const CLI = fileURLToPath(new URL('../../dist/src/bin.js', import.meta.url));

export function requireBuiltCli(): string {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing; run "npm run build" first (npm test does)`);
  return CLI;
}

/** A free loopback TCP port: the benchmarks' one (closed again before it is returned). */
export { freePort } from '../../bench/lib/process.js';

export interface SpawnedAgent {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  stop(): Promise<number | null>;
}

/**
 * libfaketime's variables, when the suite runs under `faketime`: the agent must see
 * the same machine clock as the test and its simulator, as it would on a real machine.
 */
function machineClockEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        (e[0] === 'LD_PRELOAD' || e[0].startsWith('FAKETIME')) && e[1] !== undefined,
    ),
  );
}

/** Runs the built CLI with exactly the given environment (plus PATH and faketime's), capturing its output. */
export function spawnCli(
  args: string[],
  env: Record<string, string>,
  opts: { nodeArgs?: string[] } = {},
): SpawnedAgent {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), requireBuiltCli(), ...args], {
    env: { PATH: process.env.PATH ?? '', ...machineClockEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls a URL until the predicate holds or the deadline passes. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = deadline(timeoutMs);
  let last: unknown;
  while (!until.expired()) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
  );
}
