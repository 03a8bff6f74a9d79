/**
 * Two tiers (vitest.config.ts): `npm run test:unit` runs what works in-process, `npm test` also the
 * tests tagged `system` — a file with `@module-tag system` in its header, or a test with
 * `{ tags: ['system'] }` — which start processes: the built CLI, npm, promtool, Prometheus, Chromium.
 * Starting a process from an untagged test fails, in every run, so no such test lands in the fast
 * tier by mistake. openssl alone may run anywhere: it writes throw-away certificates, in milliseconds.
 */
import childProcess from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { syncBuiltinESMExports } from 'node:module';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect } from 'vitest';

const FIXTURE_TOOLS = new Set(['openssl']);
const STATE = Symbol.for('genesys-usage-agent.test-tiers');
const SPAWNERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

/** One state per worker: this file runs again before every test file, and patches only once. */
const state = ((globalThis as { [STATE]?: { fileIsSystem: boolean; testIsSystem: boolean } })[STATE] ??= {
  fileIsSystem: false,
  testIsSystem: false,
});
// The same marker vitest reads for module tags; known here before the test file is imported.
state.fileIsSystem = /(\/\/|\*)\s*@module-tag\s+system\b/.test(
  readFileSync(expect.getState().testPath ?? '', 'utf8'),
);
state.testIsSystem = false;
beforeEach(({ task }) => void (state.testIsSystem = task.tags?.includes('system') ?? false));
afterEach(() => void (state.testIsSystem = false));

function allow(name: string, args: unknown[]): void {
  const command = typeof args[0] === 'string' ? args[0] : '';
  // A fixture tool alone: a shell string (exec) may not chain anything after it.
  const fixture =
    FIXTURE_TOOLS.has(basename(command.split(' ')[0]!)) &&
    (!name.startsWith('exec') ||
      name === 'execFile' ||
      name === 'execFileSync' ||
      !/[;&|`$<>\n]/.test(command));
  if (state.fileIsSystem || state.testIsSystem || fixture) return;
  throw new Error(
    `${name}(${command}) from a test without the system tag: add "@module-tag system" to the file's ` +
      "header comment, or { tags: ['system'] } to the test (test/helpers/tiers.ts)",
  );
}

type Fn = ((...args: unknown[]) => unknown) & { [promisify.custom]?: (...args: unknown[]) => unknown };
if (!(childProcess.spawn as Fn & { [STATE]?: true })[STATE]) {
  for (const name of SPAWNERS) {
    const original = childProcess[name] as Fn;
    const guarded: Fn & { [STATE]?: true } = (...args) => (allow(name, args), original(...args));
    guarded[STATE] = true;
    const custom = original[promisify.custom];
    // execFile and exec promisify to { stdout, stderr } through their custom form.
    if (custom) guarded[promisify.custom] = (...args) => (allow(name, args), custom(...args));
    (childProcess as unknown as Record<string, Fn>)[name] = guarded;
  }
  syncBuiltinESMExports();
}
