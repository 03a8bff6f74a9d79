/**
 * Every way the agent is started runs it with the Node flags declared once (src/runtime/node-flags.ts),
 * and a supervisor's SIGTERM or SIGINT to what it started — the binary, or `npm start` — stops the
 * agent and frees its port. `npm start` runs in a copy of the sources with its own dist/, so its
 * build never rewrites the dist/ that other test files are running.
 *
 * @module-tag system
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../../src/runtime/node-flags.js';
import { repoPath } from '../deployment/deployment-files.js';
import { freePort, requireBuiltCli, waitFor } from '../helpers/spawn-agent.js';

/** The command line of a running process, or null once it is gone. */
function cmdline(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return null;
  }
}

/** Processes whose parent is `pid` (from /proc/<pid>/stat, whose comm field may hold spaces). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const portAnswers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/** Starts `command`, waits for the agent's /healthz, and returns the agent's process id. */
async function started(child: ChildProcess, port: number, agentPid: () => number | undefined) {
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output}`);
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok || undefined;
    },
    150_000,
    'the agent to answer /healthz',
  );
  const pid = agentPid();
  if (pid === undefined) throw new Error('no agent process');
  return { pid, exited, output: () => output };
}

function demoEnv(port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? tmpdir(),
    AGENT_HOST: '127.0.0.1',
    AGENT_PORT: String(port),
  };
}

async function expectStopped(exited: Promise<number | null>, agentPid: number, port: number) {
  expect(await exited).toBe(0);
  await waitFor(async () => (cmdline(agentPid) === null ? true : undefined), 10_000, 'the agent to exit');
  expect(await portAnswers(port)).toBe(false);
}

describe.each(['SIGTERM', 'SIGINT'] as const)('%s', (signal) => {
  it('to the binary stops the agent, which ran with the declared Node flags under the same process id', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [requireBuiltCli(), 'run'], { env: demoEnv(port), stdio: 'pipe' });
    const agent = await started(child, port, () => child.pid);
    expect(cmdline(agent.pid)!.slice(1, 1 + NODE_FLAGS.length)).toEqual([...NODE_FLAGS]);
    child.kill(signal);
    await expectStopped(agent.exited, agent.pid, port);
  });
});

describe('npm start', () => {
  let copy = '';
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'gua-start-'));
    for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'bench', 'scripts'])
      cpSync(repoPath(f), join(copy, f), { recursive: true });
    symlinkSync(repoPath('node_modules'), join(copy, 'node_modules'));
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops the agent on %s to npm alone, freeing the port (the script execs the binary)',
    async (signal) => {
      const port = await freePort();
      // The machine's npm and Node first, as for a user; npm puts the project's Node 24 first for the script.
      const env = { ...demoEnv(port), PATH: `/usr/bin:/bin:${process.env['PATH'] ?? ''}` };
      const npm = spawn('npm', ['start'], { cwd: copy, env, stdio: 'pipe' });
      const agent = await started(npm, port, () => childrenOf(npm.pid!)[0]);
      expect(existsSync(join(copy, 'dist/src/bin.js'))).toBe(true);
      const args = cmdline(agent.pid)!;
      expect(args.slice(1, 1 + NODE_FLAGS.length)).toEqual([...NODE_FLAGS]);
      expect(args.slice(-2)).toEqual([join(copy, 'dist/src/bin.js'), 'run']);
      npm.kill(signal);
      await expectStopped(agent.exited, agent.pid, port);
    },
    240_000,
  );
});
