/**
 * The binary on a Node that is too old: one line naming the fix, never a stack trace. The machine's
 * own Node (20) is such a Node; the project's Node 24 comes from node_modules/node.
 *
 * @module-tag system
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { repoPath, repoRoot } from '../deployment/deployment-files.js';

const BIN = repoPath('dist/src/bin.js');
const engines = z
  .object({ engines: z.object({ node: z.string() }), bin: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(repoPath('package.json'), 'utf8')));

/** Every `node` on PATH outside node_modules, with its version. */
function systemNodes(): { path: string; major: number }[] {
  const out = spawnSync('sh', ['-c', 'which -a node'], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter((p) => p !== '' && !p.includes('node_modules'))
    .map((path) => ({
      path,
      major: Number(execFileSync(path, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' })),
    }));
}

function oldNode(): string {
  const old = systemNodes().find((n) => n.major < 22);
  if (!old)
    throw new Error(
      'no Node older than 22 outside node_modules; this test needs the machine Node (apt-get install nodejs)',
    );
  return old.path;
}

describe('bin on an old Node', () => {
  it('is the package binary and needs the engines minimum', () => {
    expect(engines.bin['genesys-usage-agent']).toBe('dist/src/bin.js');
    const min = /^>=(\d+\.\d+)$/.exec(engines.engines.node)?.[1];
    expect(readFileSync(repoPath('src/bin.ts'), 'utf8')).toContain(
      `const MIN_NODE = { major: ${min!.split('.')[0]}, minor: ${min!.split('.')[1]} }`,
    );
  });

  it.each([['--version'], ['run'], ['once', '--json'], ['doctor']])(
    '`%s` exits 1 with one line that names the fix',
    (...args) => {
      const node = oldNode();
      const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
      const r = spawnSync(node, [BIN, ...args], {
        encoding: 'utf8',
        env: { PATH: '/usr/bin:/bin' },
        timeout: 10_000,
      });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `genesys-usage-agent: needs Node.js ≥ ${engines.engines.node.slice(2)} (this is ${version}); ` +
          `in this checkout run npx genesys-usage-agent ${args.join(' ')} or npm start, which bring Node 24\n`,
      );
    },
  );

  it('the advice works: `npx genesys-usage-agent` in the checkout brings Node 24, and `once --json` prints only JSON', () => {
    // PATH starts with the old system Node, as on the machine; npx adds node_modules/.bin.
    const env = { PATH: `/usr/bin:/bin:${process.env['PATH'] ?? ''}`, HOME: process.env['HOME'] ?? '/tmp' };
    const advice = spawnSync(oldNode(), [BIN, '--version'], { encoding: 'utf8', env, timeout: 10_000 });
    const advised = / run (npx genesys-usage-agent --version) or /.exec(advice.stderr)?.[1];
    expect(advised, advice.stderr).toBeDefined();
    const v = spawnSync('sh', ['-c', advised!], {
      cwd: repoRoot,
      encoding: 'utf8',
      env,
      timeout: 30_000,
    });
    expect(v.stderr).not.toMatch(/needs Node/);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const once = spawnSync('npx', ['--no-install', 'genesys-usage-agent', 'once', '--json'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    expect(once.status, once.stderr).toBe(0);
    expect(
      z.object({ demo: z.literal(true), orgs: z.array(z.unknown()).min(1) }).parse(JSON.parse(once.stdout)),
    );
  });
});
