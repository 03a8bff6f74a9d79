/**
 * The import graph of src/ has no circle, type-only imports included: a circle of types still means
 * two rooms that cannot be understood one at a time. ESLint's import-x/no-cycle reports value-import
 * circles as they are written but skips type-only imports, which only this check counts. madge reads
 * the TypeScript sources with the project's tsconfig (so `./x.js` resolves to `./x.ts`).
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

async function graphOf(dir: string) {
  return madge(dir, {
    baseDir: dir,
    fileExtensions: ['ts'],
    tsConfig: join(ROOT, 'tsconfig.json'),
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
}

describe('import graph of src/', () => {
  it('has no import circle', async () => {
    const graph = await graphOf(join(ROOT, 'src'));
    // Guard against a vacuous pass: madge must have resolved the `.js` specifiers to the sources.
    const modules = Object.keys(graph.obj());
    expect(modules).toContain('agent.ts');
    expect(graph.obj()['cli.ts']?.length ?? 0).toBeGreaterThan(3);
    expect(graph.warnings().skipped).toEqual([]);
    expect(graph.circular().map((c) => c.join(' → '))).toEqual([]);
  });

  it('would see a circle, type-only imports included (the check is not blind)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gua-cycle-'));
    try {
      await mkdir(join(dir, 'inner'));
      await writeFile(
        join(dir, 'a.ts'),
        "import { b } from './inner/b.js';\nexport const a = (): number => b;\n",
      );
      await writeFile(
        join(dir, 'inner', 'b.ts'),
        "import type { Shape } from '../c.js';\nexport const b = 1;\nexport type B = Shape;\n",
      );
      await writeFile(
        join(dir, 'c.ts'),
        "import { a } from './a.js';\nexport type Shape = ReturnType<typeof a>;\n",
      );
      const graph = await graphOf(dir);
      expect(graph.circular()).toEqual([['a.ts', 'inner/b.ts', 'c.ts']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
