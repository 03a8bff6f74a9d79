/**
 * The lint rules that carry the project's structure (eslint.config.js) are not blind: each flags
 * what it exists for and lets the ordinary through. `npm run lint` applies them to the repository.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });
/** Files that do not exist, linted as if they were at these paths. */
const TEST_SAMPLE = join('test', 'sample.test.ts');
const SRC_SAMPLE = join('src', 'sample.ts');

async function findings(code: string, file: string, rule: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

describe('tests take time as an input', () => {
  const inTest = (code: string) => findings(code, TEST_SAMPLE, 'no-restricted-syntax');

  it.each([
    'const day = new Date(Date.now() - 86_400_000).toISOString();',
    'const d = new Date();',
    'const s = Date();',
    'const t = new Date().getUTCHours();',
    'if (new Date().getUTCDate() === 1) throw new Error();',
    'expect(Date.now()).toBeGreaterThan(0);',
    'const c = new FakeClock(Date.now());',
    'const now = systemClock.now();',
    'const day = utcDayOf(wallClock.now());',
    'const d = new Date(wallClock.now());',
    'expect(wallClock.now() - t).toBeLessThan(1000);',
    'const m = Date.UTC(2026, new Date(wallClock.now()).getUTCMonth(), 1);',
  ])('flags %s', async (code) => {
    expect(await inTest(code)).not.toEqual([]);
  });

  it.each([
    'const d = new Date(Date.UTC(2028, 1, 29)).toISOString();',
    'const d = new Date(fixedMs);',
    "const ms = Date.parse('2026-12-01T00:00:30Z');",
    'const clock = new FakeClock(BOUNDARIES.yearEnd);',
    'const until = deadline(10_000); while (!until.expired()) await tick();',
    'gw.snapshot(wallClock.now());',
    'expect(gw.collect(wallClock.now())).toEqual([]);',
    "import { systemClock } from '../../src/util/clock.js';",
    '// Date.now() in a comment',
    "const s = 'new Date()';",
  ])('allows %s', async (code) => {
    expect(await inTest(code)).toEqual([]);
  });

  it('lets the clock helpers themselves read the wall clock', async () => {
    expect(
      await findings(
        'export const t = Date.now();',
        join('test', 'helpers', 'clock.ts'),
        'no-restricted-syntax',
      ),
    ).toEqual([]);
  });
});

describe('source files', () => {
  const lines = (n: number) =>
    Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';

  it('stay under 300 lines unless their first line says why', async () => {
    expect(await findings(lines(300), SRC_SAMPLE, 'max-lines')).toEqual([]);
    expect(await findings(lines(301), SRC_SAMPLE, 'max-lines')).toHaveLength(1);
    const excused = `/* eslint-disable max-lines -- one table on purpose */\n${lines(301)}`;
    expect(await findings(excused, SRC_SAMPLE, 'max-lines')).toEqual([]);
  });

  it('an excuse that no longer applies fails the lint', async () => {
    const [result] = await eslint.lintText(`/* eslint-disable max-lines -- grew */\n${lines(10)}`, {
      filePath: join(ROOT, SRC_SAMPLE),
    });
    expect(result!.messages.map((m) => m.message)).toEqual([
      expect.stringMatching(/Unused eslint-disable directive \(no problems were reported from 'max-lines'\)/),
    ]);
  });

  it('never switch V8 flags at run time, however the call is spelt', async () => {
    const spellings = [
      "import { setFlagsFromString } from 'node:v8';\nsetFlagsFromString('--expose-gc');\n",
      "import v8 from 'v8';\nv8.setFlagsFromString('--expose-gc');\n",
      "import * as v8 from 'node:v8';\nv8['setFlagsFromString']('--expose-gc');\n",
      "const v8 = await import('node:v8');\nv8.default.setFlagsFromString('--expose-gc');\n",
    ];
    for (const code of spellings)
      expect(await findings(code, SRC_SAMPLE, 'no-restricted-syntax'), code).not.toHaveLength(0);
  });
});

describe('imports', () => {
  it('form no circle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gua-lint-'));
    try {
      await mkdir(join(dir, 'src'));
      await writeFile(
        join(dir, 'src', 'a.ts'),
        "import { b } from './b.js';\nexport const a = (): number => b;\n",
      );
      await writeFile(
        join(dir, 'src', 'b.ts'),
        "import { a } from './a.js';\nexport const b = 1;\nexport const c = a;\n",
      );
      const lint = new ESLint({ cwd: dir, overrideConfigFile: join(ROOT, 'eslint.config.js') });
      const results = await lint.lintFiles([join('src', 'a.ts'), join('src', 'b.ts')]);
      const cycles = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'import-x/no-cycle'));
      expect(cycles).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
