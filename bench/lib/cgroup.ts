/**
 * A cgroup v1 memory controller limit for one benchmark process (Linux, as root): the process is
 * placed into the group by a shell that then execs it, so Node sizes its heap from the limit at
 * start-up exactly as it would in a container.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup/memory';

export interface MemoryCgroup {
  name: string;
  dir: string;
  limitBytes: number;
  /** Prefix for a command: `sh -c 'echo $$ > …/cgroup.procs; exec "$@"' sh CMD…`. */
  wrap(cmd: string, args: string[]): { cmd: string; args: string[] };
  read(): CgroupReading;
  remove(): void;
}

interface CgroupReading {
  limitBytes: number;
  usageBytes: number;
  maxUsageBytes: number;
  /** Times usage hit the limit (reclaim ran); not itself an OOM. */
  failcnt: number;
  /** OOM kills inside the group (oom_control `oom_kill`, kernels ≥ 4.13). */
  oomKills: number;
  underOom: boolean;
}

/** Why a memory cgroup cannot be made here, or null when it can. */
export function cgroupUnavailable(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (!existsSync(join(ROOT, 'memory.limit_in_bytes'))) return `no cgroup v1 memory controller at ${ROOT}`;
  if (process.getuid?.() !== 0) return 'needs root to create a memory cgroup';
  return null;
}

function num(dir: string, file: string): number {
  return Number(readFileSync(join(dir, file), 'utf8').trim());
}

export function parseOomControl(text: string): { oomKills: number; underOom: boolean } {
  const field = (k: string) => Number(new RegExp(`^${k}\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { oomKills: field('oom_kill'), underOom: field('under_oom') === 1 };
}

export function createMemoryCgroup(name: string, limitBytes: number): MemoryCgroup {
  const why = cgroupUnavailable();
  if (why) throw new Error(`memory cgroup ${name}: ${why}`);
  const dir = join(ROOT, `genesys-usage-bench-${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  // No swap for the group either, where the kernel accounts it: the limit is the container's.
  writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes));
  try {
    writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes));
  } catch {
    /* swap accounting off: nothing to limit */
  }
  return {
    name,
    dir,
    limitBytes,
    wrap: (cmd, args) => ({
      cmd: 'sh',
      args: ['-c', `echo $$ > ${join(dir, 'cgroup.procs')} && exec "$@"`, 'sh', cmd, ...args],
    }),
    read() {
      return {
        limitBytes: num(dir, 'memory.limit_in_bytes'),
        usageBytes: num(dir, 'memory.usage_in_bytes'),
        maxUsageBytes: num(dir, 'memory.max_usage_in_bytes'),
        failcnt: num(dir, 'memory.failcnt'),
        ...parseOomControl(readFileSync(join(dir, 'memory.oom_control'), 'utf8')),
      };
    },
    remove() {
      try {
        rmdirSync(dir);
      } catch {
        /* a process still inside: the kernel refuses; left for the next boot */
      }
    },
  };
}
