import { describe, expect, it } from 'vitest';
import { forTerminal } from '../../src/util/terminal.js';

describe('forTerminal', () => {
  it.each([
    ['ESC and BEL', '\u001b]0;t\u0007', '\\u001b]0;t\\u0007'],
    ['CR, LF, NUL, DEL', 'a\r\nb\u0000\u007f', 'a\\u000d\\u000ab\\u0000\\u007f'],
    ['C1 controls', '\u0085\u009b', '\\u0085\\u009b'],
    [
      'bidi controls and separators',
      '\u202e\u2066\u200f\u061c\u2028\u2029',
      '\\u202e\\u2066\\u200f\\u061c\\u2028\\u2029',
    ],
    ['ordinary text, emoji and accents', 'Café ☕ 👩‍💻', 'Café ☕ 👩‍💻'],
  ])('%s', (_name, text, shown) => {
    expect(forTerminal(text)).toBe(shown);
  });

  it('caps the width after escaping, marks the cut, and never splits a surrogate pair', () => {
    expect(forTerminal('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(forTerminal('\u001b'.repeat(5), 10)).toBe('\\u001b\\u0…');
    expect(forTerminal('abcdefgh😀z', 10)).toBe('abcdefgh…');
    expect(forTerminal('short', 10)).toBe('short');
  });
});
