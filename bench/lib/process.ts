/**
 * A process under measurement, started as an operator would start it (its own command line, the
 * shipped Node flags), optionally inside a memory cgroup; CPU and memory read from /proc, so the
 * process carries no benchmark code of its own.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { MemoryCgroup } from './cgroup.js';
import { treeStats, type TreeStats } from './procfs.js';

export interface MeasuredProcess {
  pid: number;
  stats(): TreeStats;
  /** Exit code or signal once it has ended, else null. */
  ended(): { code: number | null; signal: NodeJS.Signals | null } | null;
  stderr(): string;
  stop(): Promise<void>;
}

/** Why a phase failed: the process's exit when it has died (the likelier cause), else the error. */
export function failureOf(proc: MeasuredProcess, err: unknown): string {
  const end = proc.ended();
  if (end) return `agent exited (${end.code ?? end.signal})`;
  return err instanceof Error ? err.message : String(err);
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export function startMeasured(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; cgroup?: MemoryCgroup } = {},
): MeasuredProcess {
  const run = opts.cgroup ? opts.cgroup.wrap(cmd, args) : { cmd, args };
  const child = spawn(run.cmd, run.args, {
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  let end: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      end = { code, signal };
      resolve();
    }),
  );
  return {
    pid: child.pid!,
    stats: () => treeStats(child.pid!),
    ended: () => end,
    stderr: () => stderr,
    async stop() {
      if (end) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
