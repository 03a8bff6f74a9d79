/**
 * Parent ⇄ child protocol of the benchmark processes: the child announces `ready` with its
 * details, then answers numbered commands. Each process under test runs alone so its CPU and
 * memory can be read without the load generator's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface ProcessStats {
  pid: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Memory of C++ objects bound to JS (buffers, sockets' native parts). */
  externalBytes: number;
  /** Peak resident set size over the process lifetime. */
  maxRssBytes: number;
  /** user + system CPU time so far. */
  cpuMicros: number;
}

type Handler = (args: unknown) => Promise<unknown>;

interface Request {
  id: number;
  cmd: string;
  args: unknown;
}
interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

function ownStats(): ProcessStats {
  const mem = process.memoryUsage();
  const ru = process.resourceUsage();
  const cpu = process.cpuUsage();
  return {
    pid: process.pid,
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    heapTotalBytes: mem.heapTotal,
    externalBytes: mem.external,
    maxRssBytes: ru.maxRSS * 1024,
    cpuMicros: cpu.user + cpu.system,
  };
}

/** Child side: serve `stats` plus the given commands; announce `ready` with info. */
export function serveParent(info: unknown, handlers: Record<string, Handler>): void {
  const all: Record<string, Handler> = {
    stats: async () => ownStats(),
    // After a full collection, so heap figures are what is retained rather than garbage not yet collected.
    settledStats: async () => {
      (globalThis as { gc?: () => void }).gc?.();
      return ownStats();
    },
    ...handlers,
  };
  process.on('message', (msg: Request) => {
    const handler = all[msg.cmd];
    const reply = (r: Omit<Reply, 'id'>) => process.send?.({ id: msg.id, ...r });
    if (!handler) {
      reply({ ok: false, error: `unknown command ${msg.cmd}` });
      return;
    }
    handler(msg.args).then(
      (result) => reply({ ok: true, result }),
      (err: unknown) => reply({ ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true, info });
}

export interface BenchChild<Info> {
  info: Info;
  pid: number;
  call<T>(cmd: string, args?: unknown): Promise<T>;
  stats(): Promise<ProcessStats>;
  settledStats(): Promise<ProcessStats>;
  stop(): Promise<void>;
}

/** Starts `dist/bench/children/<name>.js` and waits for its `ready`. */
export async function startChild<Info>(
  name: string,
  args: unknown,
  env: Record<string, string> = {},
): Promise<BenchChild<Info>> {
  const script = fileURLToPath(new URL(`../children/${name}.js`, import.meta.url));
  const child: ChildProcess = fork(script, [JSON.stringify(args)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<Info>((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`bench child ${name} exited (${code}) before it was ready: ${stderr.trim()}`));
    child.once('exit', onExit);
    child.on('message', (msg: { ready?: boolean; info?: Info } & Partial<Reply>) => {
      if (msg.ready) {
        child.off('exit', onExit);
        resolve(msg.info as Info);
        return;
      }
      const p = pending.get(msg.id ?? -1);
      if (!p) return;
      pending.delete(msg.id!);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`${name}: ${msg.error}`));
    });
  });
  child.once('exit', (code) => {
    for (const p of pending.values())
      p.reject(new Error(`bench child ${name} exited (${code}): ${stderr.trim()}`));
    pending.clear();
  });
  const call = <T>(cmd: string, a?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd, args: a } satisfies Request);
    });
  return {
    info,
    pid: child.pid!,
    call,
    stats: () => call<ProcessStats>('stats'),
    settledStats: () => call<ProcessStats>('settledStats'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child's JSON argument. */
export function childArgs<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}
