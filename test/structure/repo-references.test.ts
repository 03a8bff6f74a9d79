/**
 * Comments and docs point only at files inside the repository. The design notes and reference
 * files the project was started from live outside it, so a pointer to them is a dead link for
 * every reader of the repository; the facts they carried are in docs/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const SELF = relative(ROOT, new URL(import.meta.url).pathname);

/** Written so that this file's own text does not match them. */
const OUTSIDE_POINTERS: readonly RegExp[] = [
  /\bDESIGN(?:\.md)?`?\s*§/, // a section of the design notes
  /\bDESIGN\.md\b/,
  /\.\.\/shared\b/,
  /\bshared\/reference\b/,
  /\breference\/genesys-api\.md\b/,
  /\botel-note[s]\b/,
  /\breference §/, // a section of the API reference notes
];
/** In code, a bare "(§3.4)" meant the same notes; in docs it is a section of the same page. */
const ABBREVIATED = /\(§\d/;

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'results', 'test-artifacts']);
const TEXT = /\.(?:ts|js|mjs|cjs|md|ya?ml|json|sh|txt)$|^Dockerfile$|^run$/;

function* textFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) yield* textFiles(join(dir, entry.name));
    } else if (TEXT.test(entry.name) && entry.name !== 'package-lock.json') {
      yield join(dir, entry.name);
    }
  }
}

/** `file:line: text` for every line that points outside the repository. */
export function outsidePointers(file: string, text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) =>
      OUTSIDE_POINTERS.some((re) => re.test(line)) || (!file.endsWith('.md') && ABBREVIATED.test(line))
        ? [`${file}:${i + 1}: ${line.trim()}`]
        : [],
    );
}

/** Repository paths named in prose and comments; `.js` specifiers are imports, checked by tsc. */
const REPO_PATH =
  /\b(?:src|test|docs|bench|scripts|prometheus|grafana|deploy)\/[\w./-]+\.(?:ts|md|ya?ml|json)\b/g;
/** Written by runs, not shipped. */
const GENERATED = /^bench\/results\//;

describe('references stay inside the repository', () => {
  it('no comment, doc or config points at the design notes or reference files outside it', () => {
    const found: string[] = [];
    let scanned = 0;
    for (const file of textFiles(ROOT)) {
      const rel = relative(ROOT, file);
      if (rel === SELF) continue;
      scanned += 1;
      found.push(...outsidePointers(rel, readFileSync(file, 'utf8')));
    }
    expect(scanned).toBeGreaterThan(150); // src/, test/, bench/, scripts/, docs/ … were walked
    expect(found, 'point at docs/ (or the README) instead').toEqual([]);
  });

  it('every repository path named in docs, comments and configs exists', () => {
    const missing: string[] = [];
    for (const file of textFiles(ROOT)) {
      const rel = relative(ROOT, file);
      if (rel === SELF) continue;
      for (const path of readFileSync(file, 'utf8').match(REPO_PATH) ?? []) {
        if (!GENERATED.test(path) && !existsSync(join(ROOT, path))) missing.push(`${rel}: ${path}`);
      }
    }
    expect(missing, 'a moved or renamed file: update the reference').toEqual([]);
  });

  it('recognises each kind of outside pointer', () => {
    const samples = [
      '/** The HTTP surface (DESIGN §6). */',
      '// see DESIGN.md §1',
      ' * see ../shared/reference/otel-notes.md §2',
      '# shapes: reference/genesys-api.md §3',
      ' * (otel-note' + 's §2, workaround 2)',
      '/** Regions (reference §1.1). */',
      '// --- Usage API (§3.4) ---',
    ];
    expect(samples.map((s) => outsidePointers('x.ts', s).length)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(outsidePointers('x.ts', '/** See docs/metrics.md §2; DESIGN_METRICS is a name. */')).toEqual([]);
    expect(outsidePointers('x.ts', '// hop-by-hop headers (RFC 9110 §7.6.1)')).toEqual([]);
    expect(outsidePointers('docs/x.md', 'as said above (§1)')).toEqual([]);
  });
});
