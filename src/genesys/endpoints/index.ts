/**
 * Which Genesys API endpoint a request path is: a trie over path segments built once from the
 * catalogue the pinned SDK declares (catalogue.json, written by `npm run generate`). Every label
 * value it returns is a catalogue template or `other`, whatever the path: ids, unknown paths and
 * hostile input never become label values.
 */
import catalogue from './catalogue.json' with { type: 'json' };

/** An unmatched path (and, in the families, whatever a cap folds together). */
export const OTHER_ENDPOINT = 'other';
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

interface Node {
  literals: Map<string, Node>;
  /** The child for a `{param}` segment, whatever the parameter's name. */
  param: Node | null;
  /** Templates ending here by method: a few templates differ only in a parameter's name. */
  byMethod: Map<string, string>;
  /** The first template ending here, for a method the catalogue does not list. */
  any: string | null;
}

const node = (): Node => ({ literals: new Map(), param: null, byMethod: new Map(), any: null });
const isParam = (seg: string) => seg.startsWith('{') && seg.endsWith('}');

const root = node();
let maxSegments = 0;
for (const [template, methods] of Object.entries(catalogue.paths)) {
  const segs = template.split('/');
  maxSegments = Math.max(maxSegments, segs.length);
  let n = root;
  for (const seg of segs) {
    if (isParam(seg)) n = n.param ??= node();
    else {
      let next = n.literals.get(seg);
      if (!next) n.literals.set(seg, (next = node()));
      n = next;
    }
  }
  n.any ??= template;
  for (const m of methods) if (!n.byMethod.has(m)) n.byMethod.set(m, template);
}

/** `method` upper-cased when it is one of METHODS, else `other`. */
export function methodLabel(method: string): string {
  const m = method.toUpperCase();
  return (METHODS as readonly string[]).includes(m) ? m : 'other';
}

/**
 * The catalogue template of a request target (`/api/v2/users/me?x=1`), or `other`. Literal
 * segments win over parameters, backtracking when a literal leads nowhere; a template that lists
 * the method wins over one that does not. A `{param}` matches one non-empty segment as sent.
 */
export function matchEndpoint(method: string, target: string): string {
  const q = target.indexOf('?');
  // One more than the deepest template: a longer path is unmatched without being split further.
  const segs = (q < 0 ? target : target.slice(0, q)).split('/', maxSegments + 1);
  if (segs.length > maxSegments) return OTHER_ENDPOINT;
  const m = method.toUpperCase();
  return find(root, segs, 0, m) ?? find(root, segs, 0, null) ?? OTHER_ENDPOINT;
}

function find(n: Node, segs: string[], i: number, method: string | null): string | null {
  if (i === segs.length) return method === null ? n.any : (n.byMethod.get(method) ?? null);
  const seg = segs[i]!;
  const literal = n.literals.get(seg);
  const found = literal ? find(literal, segs, i + 1, method) : null;
  if (found !== null || !n.param || seg === '') return found;
  return find(n.param, segs, i + 1, method);
}

/**
 * A Usage API `templateUri` (`api/v2/users/{userId}`, no leading slash) in the catalogue's
 * spelling when the catalogue has its shape (parameter names may differ), else slash-prefixed.
 */
export function canonicalEndpoint(templateUri: string): string {
  const path = templateUri.startsWith('/') ? templateUri : `/${templateUri}`;
  let n: Node | null | undefined = root;
  for (const seg of path.split('/')) {
    n = isParam(seg) ? n.param : n.literals.get(seg);
    if (!n) return path;
  }
  const templates = new Set(n.byMethod.values());
  return templates.has(path) ? path : (n.any ?? path);
}
