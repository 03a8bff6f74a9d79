/**
 * `npm pack` → an empty folder → `npm install <tarball>`: the package carries only the compiled
 * agent, installs with its runtime dependencies alone, and its binary works for `--version`,
 * `once`, `doctor` and `run` (demo mode). Dependencies come from the npm cache when it has them.
 *
 * @module-tag system
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NODE_FLAGS } from '../../src/runtime/node-flags.js';
import { repoPath, repoRoot } from '../deployment/deployment-files.js';
import { freePort, waitFor } from '../helpers/spawn-agent.js';

const pkg = z
  .object({
    version: z.string(),
    license: z.string(),
    files: z.array(z.string()),
    scripts: z.record(z.string(), z.string()),
    dependencies: z.record(z.string(), z.string()),
  })
  .parse(JSON.parse(readFileSync(repoPath('package.json'), 'utf8')));

const work = mkdtempSync(join(tmpdir(), 'gua-pack-'));
const installDir = join(work, 'app');
let packed: { filename: string; files: { path: string }[] };

/** Node 24 (the project's, the one running this test) first: a user with a supported Node. */
const supportedPath = `${dirname(process.execPath)}:/usr/bin:/bin`;
const env = (path: string, extra: Record<string, string> = {}) => ({
  PATH: path,
  HOME: process.env['HOME'] ?? work,
  // Demo mode: no Genesys credentials in the environment of the installed binary.
  ...extra,
});

function npx(args: string[], extra: Record<string, string> = {}, path = supportedPath) {
  return spawnSync('npx', ['--no-install', 'genesys-usage-agent', ...args], {
    cwd: installDir,
    encoding: 'utf8',
    env: env(path, extra),
    timeout: 60_000,
  });
}

beforeAll(() => {
  // npm test has just built dist/; --ignore-scripts keeps prepack from rebuilding it under the
  // other test files that run the built CLI at the same time.
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  packed = z
    .tuple([z.object({ filename: z.string(), files: z.array(z.object({ path: z.string() })) })])
    .parse(JSON.parse(pack.stdout))[0];
  mkdirSync(installDir);
  const install = spawnSync(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=dev', join(work, packed.filename)],
    {
      cwd: installDir,
      encoding: 'utf8',
      timeout: 150_000,
      env: { ...process.env, npm_config_loglevel: 'error' },
    },
  );
  if (install.status !== 0) throw new Error(`npm install of the tarball failed: ${install.stderr}`);
}, 200_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('builds dist in prepack and ships only the compiled agent (no tests, bench, scripts or maps)', () => {
    expect(pkg.scripts['prepack']).toMatch(/npm run build/);
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain('dist/src/bin.js');
    expect(paths).toContain('dist/src/genesys/endpoints/catalogue.json');
    expect(paths).toContain('package.json');
    // package.json says Apache-2.0; the tarball carries the licence text itself.
    expect(paths).toContain('LICENSE');
    expect(readFileSync(repoPath('LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(pkg.license).toBe('Apache-2.0');
    for (const p of paths) {
      expect(p, p).toMatch(
        /^(dist\/src\/.+\.js|dist\/src\/genesys\/endpoints\/catalogue\.json|package\.json|README\.md|LICENSE)$/,
      );
      expect(p, p).not.toMatch(/^(test|bench|scripts|src)\/|\.map$|\.ts$/);
    }
  });

  it('installs into an empty folder with the runtime dependencies only', () => {
    const installed = z
      .object({ dependencies: z.record(z.string(), z.unknown()) })
      .parse(
        JSON.parse(
          spawnSync('npm', ['ls', '--all', '--json', '--omit=dev'], { cwd: installDir, encoding: 'utf8' })
            .stdout,
        ),
      );
    const agent = z
      .object({ dependencies: z.record(z.string(), z.unknown()) })
      .parse(installed.dependencies['genesys-usage-agent']);
    expect(Object.keys(agent.dependencies).sort()).toEqual(Object.keys(pkg.dependencies).sort());
    for (const dev of ['typescript', 'vitest', 'node', 'kubernetes-models', 'purecloud-platform-client-v2'])
      expect(existsSync(join(installDir, 'node_modules', dev)), `${dev} must not be installed`).toBe(false);
  });

  it('`npx genesys-usage-agent --version`, `once --json` and `doctor` work from the install', () => {
    const v = npx(['--version']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const once = npx(['once', '--json']);
    expect(once.status, once.stderr).toBe(0);
    expect(
      z
        .object({ demo: z.literal(true), orgs: z.array(z.unknown()).min(1) })
        .safeParse(JSON.parse(once.stdout)).success,
    ).toBe(true);
    const doctor = npx(['doctor']);
    expect(doctor.status, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toMatch(/checks passed/);
  });

  it('`run` starts the demo agent and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(join(installDir, 'node_modules/.bin/genesys-usage-agent'), ['run'], {
      env: env(supportedPath, { AGENT_HOST: '127.0.0.1', AGENT_PORT: String(port) }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const snapshot = await waitFor(
        async () => {
          const r = await fetch(`http://127.0.0.1:${port}/api/v1/clients`);
          return r.ok ? z.object({ demo: z.boolean() }).parse(await r.json()) : undefined;
        },
        30_000,
        'the installed agent to serve /api/v1/clients',
      );
      expect(snapshot.demo).toBe(true);
      // Started through its shebang, the binary runs with the declared Node flags.
      const args = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
      expect(args.slice(1, 1 + NODE_FLAGS.length)).toEqual([...NODE_FLAGS]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit, stderr).toBe(0);
  });

  it('on the machine’s old Node the installed binary says what it needs in one line, and the advice works', () => {
    const oldPath = '/usr/bin:/bin';
    const r = npx(['--version'], {}, oldPath);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('npm warn'));
    expect(lines).toEqual([
      expect.stringMatching(
        /^genesys-usage-agent: needs Node\.js ≥ 22\.21 .*; install it, or run with npm's Node 24: npx -p node@24 -c 'genesys-usage-agent --version'$/,
      ),
    ]);
    // The advised command, as the user would paste it, on the same old Node (npm's cache serves node@24).
    const advised = / (npx -p node@24 -c .+)$/.exec(lines[0]!)![1]!;
    const v = spawnSync('sh', ['-c', advised.replace('npx ', 'npx --yes --prefer-offline ')], {
      cwd: installDir,
      encoding: 'utf8',
      env: env(oldPath),
      timeout: 120_000,
    });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
  }, 150_000);
});
