/** CPU and memory of a process tree that is not Node (nginx), read from /proc (Linux only). */
import { readFileSync } from 'node:fs';

/** Linux reports CPU times in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
const TICKS_PER_SECOND = 100;

export interface TreeStats {
  pids: number[];
  cpuMicros: number;
  rssBytes: number;
  /** Sum of each process's peak RSS (VmHWM). */
  maxRssBytes: number;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function statusKb(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

/** The process and all its descendants. */
export function treeStats(rootPid: number): TreeStats {
  const pids: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    pids.push(pid);
    queue.push(...childrenOf(pid));
  }
  let ticks = 0;
  let rssKb = 0;
  let hwmKb = 0;
  for (const pid of pids) {
    ticks += cpuTicks(pid);
    rssKb += statusKb(pid, 'VmRSS');
    hwmKb += statusKb(pid, 'VmHWM');
  }
  return {
    pids,
    cpuMicros: (ticks * 1e6) / TICKS_PER_SECOND,
    rssBytes: rssKb * 1024,
    maxRssBytes: hwmKb * 1024,
  };
}
