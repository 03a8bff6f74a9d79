/**
 * The config-file side of the settings table: the file's schema (strict, every key from the
 * table, `orgs` a list of per-org keys) and one-line errors for it ("did you mean").
 */
import { z } from 'zod';
import { closest, describeIssue } from './errors.js';
import { isSecret, parserOf, spec, VARIANTS, type Variant } from './settings.js';

/** A setting's name in the file, as a key path below the top level or below one `orgs[]` entry. */
export type FileKey = Variant & { path: string[] };

const keysOf = (scope: 'agent' | 'org'): FileKey[] =>
  VARIANTS.filter((v) => v.file !== null && spec(v.id).scope === scope).map((v) => ({
    ...v,
    path: v.file!.replace(/^orgs\[\]\./, '').split('.'),
  }));

export const AGENT_FILE_KEYS = keysOf('agent');
export const ORG_FILE_KEYS = keysOf('org');

type Tree = { [key: string]: Tree | FileKey };
const isKey = (node: Tree | FileKey): node is FileKey => Array.isArray(node.path);

function tree(keys: FileKey[]): Tree {
  const root: Tree = {};
  for (const k of keys) {
    let node = root;
    for (const part of k.path.slice(0, -1)) node = (node[part] ??= {}) as Tree;
    node[k.path.at(-1)!] = k;
  }
  return root;
}

function strict(t: Tree): z.ZodObject {
  return z.strictObject(
    Object.fromEntries(
      Object.entries(t).map(([k, v]) => [k, (isKey(v) ? parserOf(v) : strict(v)).optional()]),
    ),
  );
}

const AGENT_TREE = tree(AGENT_FILE_KEYS);
const ORG_TREE = tree(ORG_FILE_KEYS);

/** The config file: any setting under its file key, and `orgs`. Unknown keys are errors. */
export const FileSchema = strict(AGENT_TREE).extend({ orgs: z.array(strict(ORG_TREE)).min(1).optional() });

/** Where an issue's path leads (list indices skipped): the keys known there, or the setting it is in. */
function nodeAt(path: PropertyKey[]): Tree | FileKey | undefined {
  let node: Tree | FileKey | undefined = { ...AGENT_TREE, orgs: ORG_TREE };
  for (const p of path) if (typeof p === 'string' && node && !isKey(node)) node = node[p];
  return node;
}

export function keyPath(path: PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/** One line for the first useful issue of a file that failed FileSchema. */
export function describeFileIssues(file: string, issues: readonly z.core.$ZodIssue[]): string {
  // A misspelt key also makes its real key "missing"; the misspelling is the useful message.
  const issue = [...issues].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  )[0]!;
  const at = keyPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const node = nodeAt(issue.path);
    const known = node && !isKey(node) ? Object.keys(node) : [];
    const key = issue.keys[0]!;
    const hint = closest(key, known);
    const where = at ? `${at}.${key}` : key;
    return `${file}: ${where}: unknown key${hint ? `; did you mean "${hint}"?` : `; known keys: ${known.join(', ')}`}`;
  }
  const k = nodeAt(issue.path);
  return describeIssue(`${file}: ${at || '(top level)'}`, issue, k !== undefined && isKey(k) && isSecret(k));
}
