/**
 * `npm ci` on the machine's Node 20: npm checks every package's `engines` against the Node npm itself
 * runs on, while the project runs on the Node 24 that the `node` dev dependency installs. The root
 * package declares its development toolchain in `devEngines` (npm then leaves the root's `engines`,
 * which is for installed copies, unchecked), so what npm still warns about is exactly the
 * dependencies that need a Node newer than the machine's and that the project's Node satisfies: a
 * dependency needing more than the project's Node would fail here.
 *
 * @module-tag system
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { repoPath } from '../deployment/deployment-files.js';

const work = mkdtempSync(join(tmpdir(), 'gua-engines-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const version = (v: string): number[] => v.replace(/^v/, '').split('.').map(Number);
const below = (a: number[], b: number[]) => {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
};

it('npm ci on the machine Node warns only about dependencies that the project’s Node satisfies', () => {
  for (const f of ['package.json', 'package-lock.json']) cpSync(repoPath(f), join(work, f));
  const env = { PATH: '/usr/bin:/bin', HOME: process.env['HOME'] ?? work };
  const machine = version(execFileSync('node', ['--version'], { env, encoding: 'utf8' }).trim());
  expect(machine[0], 'this test needs the machine Node (20)').toBeLessThan(22);
  const r = spawnSync('npm', ['ci', '--dry-run', '--no-audit', '--no-fund'], {
    cwd: work,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const warned = [...r.stderr.matchAll(/package: '(.+?)',\s*\n.*required: \{ node: '(.+?)' \}/g)].map(
    ([, pkg, required]) => ({ pkg: pkg!, required: required! }),
  );
  expect(r.stderr.match(/EBADENGINE Unsupported engine/g)?.length ?? 0).toBe(warned.length);
  expect(warned.map((w) => w.pkg)).not.toContainEqual(expect.stringMatching(/^genesys-usage-agent@/));
  for (const { pkg, required } of warned) {
    const min = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(required)?.[1];
    expect(min, `${pkg} needs node ${required}: read it and extend this test`).toBeDefined();
    expect(below(machine, version(min!)), pkg).toBe(true);
    expect(below(version(process.versions.node), version(min!)), `${pkg} needs node ${required}`).toBe(false);
  }
});
