/**
 * Text for a terminal when it came from Genesys, a request or an operator's value: client names,
 * error texts, arguments. Control characters (C0 with ESC, BEL, CR, LF and NUL; DEL; C1), line and
 * paragraph separators and bidi overrides are spelt out as `\uXXXX`, so nothing can set the
 * title, move the cursor, fake a table row or reverse a line; a width cap keeps a 64 KiB name from
 * making a 65 000-column table. JSON output needs none of this (JSON escapes controls itself).
 */
const UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** `text` escaped, then cut to at most `maxWidth` characters, `…` marking the cut. */
export function forTerminal(text: string, maxWidth = Number.POSITIVE_INFINITY): string {
  // Cut before escaping too, so a huge value is never escaped whole.
  const head = text.length > maxWidth ? text.slice(0, maxWidth) : text;
  const safe = head.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (safe.length <= maxWidth && head === text) return safe;
  let cut = Math.max(0, Math.min(safe.length, maxWidth) - 1);
  // Not half a surrogate pair.
  if (/[\ud800-\udbff]/.test(safe.charAt(cut - 1))) cut -= 1;
  return `${safe.slice(0, cut)}…`;
}
