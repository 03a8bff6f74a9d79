import type { z } from 'zod';

/** A mistake in the operator's configuration: printed as one line, exit code 2, no stack trace. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * What a parser in kinds.ts attaches to an issue: the offending value (quoted before the message
 * unless the setting is secret; a message may place it with `{value}`) and the noun that stands in
 * for it when it must not be shown.
 */
export interface Refusal {
  value?: string;
  /** Shown without quotes (e.g. `0s is out of range`). */
  bare?: boolean;
  /** Replaces the value when the setting is secret: `the value`, `an entry`. */
  noun?: string;
}

/**
 * One line for one issue of one setting. `name` is the variable or `file: key`; a secret setting's
 * value never appears, whatever the parser put in the issue.
 */
export function describeIssue(name: string, issue: z.core.$ZodIssue, secret: boolean): string {
  const r = (issue.code === 'custom' ? (issue.params ?? {}) : {}) as Refusal;
  // `{name}` is the setting itself, without the file the line already named.
  const message = issue.message.replaceAll('{name}', () => name.split(': ').at(-1)!);
  if (r.value === undefined) return `${name}: ${message}`;
  const v = secret ? (r.noun ?? 'the value') : shown(withoutUserinfo(r.value));
  const quoted = secret || r.bare ? v : `"${v}"`;
  // `{value}` places the value inside the message; otherwise it leads.
  return message.includes('{value}')
    ? `${name}: ${message.replace('{value}', () => quoted)}`
    : `${name}: ${quoted} ${message}`;
}

/** A value quoted in an error, cut short so a pasted blob cannot drown the hint after it. */
function shown(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/** `https://user:pass@host` → `https://…@host`: a credential pasted into a non-secret setting stays hidden. */
function withoutUserinfo(value: string): string {
  return value.replace(/(\/\/)[^/@\s]*@/g, '$1…@');
}

/** Closest candidate by edit distance, for "did you mean" hints on unknown keys. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
