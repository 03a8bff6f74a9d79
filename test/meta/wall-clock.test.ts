/**
 * No test may depend on the wall-clock date or time of day (issue 13). Every test file is parsed
 * with the TypeScript compiler and fails this test when it reads the wall clock directly —
 * `Date.now()`, `new Date()` or `Date()` without arguments, `systemClock` — instead of the shared
 * helpers in test/helpers/clock.ts (a FakeClock at a boundary instant, or `wallClock`/`deadline()`
 * for real elapsed time), or when it turns `wallClock` into a date or an expectation.
 * `new Date(fixedMs)`, `Date.UTC(…)`, `Date.parse(…)` and fake clocks at fixed instants are fine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const TEST_DIR = join(ROOT, 'test');
/** The one file allowed to read the wall clock: it defines the helpers. */
const CLOCK_HELPERS = 'test/helpers/clock.ts';
/** Calls that turn an instant into a calendar date. */
const DATE_FROM = /^(Date\.UTC|utcDayOf|new Date)$/;

export interface Finding {
  line: number;
  text: string;
  why: string;
}

function calleeName(e: ts.Expression): string {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return `${calleeName(e.expression)}.${e.name.text}`;
  return '';
}

function mentionsWallClock(node: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && n.text === 'wallClock') found = true;
    else n.forEachChild(visit);
  };
  visit(node);
  return found;
}

/** The value itself is wall-clock time, not a component's result computed at it (`gw.snapshot(wallClock.now())`). */
function isWallClockValue(node: ts.Node): boolean {
  if (ts.isCallExpression(node)) return calleeName(node.expression) === 'wallClock.now';
  let found = false;
  node.forEachChild((c) => {
    found ||= isWallClockValue(c);
  });
  return found;
}

/** Direct wall-clock reads and wall-clock dates in one test file's source. */
export function wallClockFindings(source: string, fileName = 'x.test.ts'): Finding[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Finding[] = [];
  const report = (n: ts.Node, why: string) =>
    out.push({ line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1, text: n.getText(), why });
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const name = calleeName(n.expression);
      if (name === 'Date.now') report(n, 'reads the wall clock');
      else if (name === 'Date') report(n, 'Date() is the wall clock as a string');
      else if (name === 'expect' && n.arguments.some(isWallClockValue))
        report(n, 'an expectation on the wall clock');
      else if (DATE_FROM.test(name) && n.arguments.some(mentionsWallClock))
        report(n, 'a calendar date from the wall clock');
    }
    if (ts.isNewExpression(n) && calleeName(n.expression) === 'Date') {
      if (!n.arguments || n.arguments.length === 0) report(n, 'new Date() is the wall clock');
      else if (n.arguments.some(mentionsWallClock)) report(n, 'a calendar date from the wall clock');
    }
    if (ts.isIdentifier(n) && n.text === 'systemClock' && !ts.isImportSpecifier(n.parent))
      report(n, 'the system clock; use wallClock or deadline() from test/helpers/clock.ts');
    n.forEachChild(visit);
  };
  visit(sf);
  return out;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('wall-clock check', () => {
  it('flags direct wall-clock reads and wall-clock dates', () => {
    const bad = [
      'const day = new Date(Date.now() - 86_400_000).toISOString();',
      'const d = new Date();',
      'const s = Date();',
      'const t = new Date().getUTCHours();',
      'if (new Date().getUTCDate() === 1) return;',
      'expect(Date.now()).toBeGreaterThan(0);',
      'const c = new FakeClock(Date.now());',
      'const now = systemClock.now();',
      'const day = utcDayOf(wallClock.now());',
      'const d = new Date(wallClock.now());',
      'expect(wallClock.now() - t).toBeLessThan(1000);',
      'const m = Date.UTC(2026, new Date(wallClock.now()).getUTCMonth(), 1);',
    ];
    for (const src of bad) expect(wallClockFindings(src), src).not.toEqual([]);
  });

  it('allows fixed instants, fake clocks and real elapsed time through the helpers', () => {
    const good = [
      'const d = new Date(Date.UTC(2028, 1, 29)).toISOString();',
      'const d = new Date(fixedMs);',
      "const ms = Date.parse('2026-12-01T00:00:30Z');",
      'const clock = fakeClockAt(BOUNDARIES.firstMinuteOfMonth);',
      'const clock = new FakeClock(BOUNDARIES.yearEnd);',
      'const until = deadline(10_000); while (!until.expired()) await tick();',
      'gw.snapshot(wallClock.now());',
      'expect(gw.collect(wallClock.now())).toEqual([]);',
      "import { systemClock } from '../../src/util/clock.js';",
      'vi.setSystemTime(BOUNDARIES.leapDay);',
      '// Date.now() in a comment',
      "const s = 'new Date()';",
    ];
    for (const src of good) expect(wallClockFindings(src), src).toEqual([]);
  });

  it('finds none in the test suite', () => {
    const findings = testFiles(TEST_DIR)
      .map((f) => relative(ROOT, f))
      .filter((f) => f !== CLOCK_HELPERS)
      .flatMap((f) =>
        wallClockFindings(readFileSync(join(ROOT, f), 'utf8'), f).map(
          (x) => `${f}:${x.line} ${x.why}: ${x.text}`,
        ),
      );
    expect(findings).toEqual([]);
  });
});
