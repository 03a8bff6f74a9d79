/**
 * The value sources: the environment, the config file, and the files that hold secrets
 * (`*_FILE`). Each yields a Layer of parsed values; config.ts stacks the layers.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { z } from 'zod';
import { closest, ConfigError, describeIssue } from './errors.js';
import { ENV_VARIABLES } from './env-schema.js';
import {
  AGENT_FILE_KEYS,
  describeFileIssues,
  FileSchema,
  keyPath,
  ORG_FILE_KEYS,
  type FileKey,
} from './file-schema.js';
import type { Layer } from './resolve.js';
import { isSecret, parserOf, spec, type SettingId, type Variant } from './settings.js';
import { FileRefusal, readBoundedFile, type FileKind } from '../util/bounded-file.js';
import { forTerminal } from '../util/terminal.js';

/** Most orgs in one config file: a typo or a generated file must not take the agent's memory. */
const MAX_ORGS = 1_000;

/** A file's text (a regular file, capped by kind), or a one-line error naming the setting that pointed at it. */
export function readText(path: string, name: string, kind: FileKind): string {
  try {
    return readBoundedFile(path, kind);
  } catch (err) {
    if (err instanceof FileRefusal) throw new ConfigError(`${name}: ${err.message}`);
    throw err;
  }
}

/** `raw` through a parser, or the one-line error naming the setting (and its value, unless `secret`). */
function check(parser: z.ZodType, raw: unknown, name: string, secret: boolean): unknown {
  const r = parser.safeParse(raw);
  if (!r.success) throw new ConfigError(describeIssue(name, r.error.issues[0]!, secret));
  return r.data;
}

/** A value held in a file (`GENESYS_CLIENT_SECRET_FILE`), checked by its setting's parser. */
function fromFile(path: string, name: string, id: SettingId): unknown {
  const content = readText(path, name, 'secret').trim();
  if (!content) throw new ConfigError(`${name}: ${path} is empty`);
  // The content is the setting's value: shown only if the setting is not secret.
  return check(spec(id).parse, content, name, spec(id).secret === true);
}

/** Prefixes of the variables the agent owns: any other name under them is likely a misspelling. */
const OWN_PREFIXES = /^(AGENT|GENESYS)_/;
/** Kubernetes service links (`<SERVICE>_PORT`, `<SERVICE>_SERVICE_HOST`, …) are not the operator's doing. */
const SERVICE_LINK = /_SERVICE_(HOST|PORT)(_|$)|_PORT_\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?$/;

/**
 * Warnings, not errors, for unknown variables under the agent's prefixes: the environment is shared
 * with other software (a sidecar's, a Genesys tool's) that may own such a name, and refusing to
 * start over a stranger's variable would be worse than naming it.
 */
export function unknownVariables(rawEnv: NodeJS.ProcessEnv): string[] {
  const known = [...ENV_VARIABLES.keys()];
  return Object.keys(rawEnv)
    .filter((n) => OWN_PREFIXES.test(n) && !ENV_VARIABLES.has(n))
    .filter((n) => !SERVICE_LINK.test(n) && !/^(tcp|udp|sctp):\/\//.test(rawEnv[n] ?? ''))
    .sort()
    .slice(0, 10)
    .map((n) => {
      // Names come from anywhere: a long one is cut, and not compared (edit distance is quadratic).
      const long = n.length > 64;
      const hint = long ? undefined : closest(n, known);
      return forTerminal(
        `${long ? `${n.slice(0, 64)}…` : n}: not a setting, ignored${hint ? `; did you mean ${hint}?` : '; see the settings in README.md'}`,
      );
    });
}

/** The variables the agent knows, parsed; a `_FILE` variable wins over the variable itself. */
export function readEnv(rawEnv: NodeJS.ProcessEnv): Layer {
  // Every variable is checked before any `_FILE` is read.
  const found = [...ENV_VARIABLES].map(([name, v]): [Variant, string, unknown] => {
    const raw = rawEnv[name];
    return [v, name, raw === undefined ? undefined : check(parserOf(v), raw, name, isSecret(v))];
  });
  return layerOf(found);
}

/** The values found under each variant's name, in VARIANTS order (so a file variant's content wins). */
function layerOf(found: [Variant, string, unknown][], file?: string): Layer {
  const layer: Layer = { values: {}, names: {}, ...(file === undefined ? {} : { file }) };
  for (const [v, name, value] of found) {
    if (value === undefined) continue;
    const full = file === undefined ? name : `${file}: ${name}`;
    layer.values[v.id] = v.variant === 'file' ? fromFile(value as string, full, v.id) : value;
    layer.names[v.id] = name;
  }
  return layer;
}

/**
 * The YAML parser, loaded with the first config file: an agent configured by its environment never
 * loads it (test/agent/optional-modules.test.ts). Synchronous, as configuration is; yaml's Node
 * entry is CommonJS, so this is the same module instance an `import` would give.
 */
const yaml = (): typeof Yaml => createRequire(import.meta.url)('yaml') as typeof Yaml;

/** The config file (YAML, or JSON as YAML's subset), checked against the settings table: a layer for the agent, one per org. */
export function readConfigFile(path: string) {
  const text = readText(path, 'AGENT_CONFIG_FILE', 'config');
  let data: unknown;
  try {
    data = yaml().parse(text); // YAML is a superset of JSON
  } catch (err) {
    // yaml's first line ends "at line L, column C:" before a code excerpt that does not fit one line.
    const first = (err as Error).message.split('\n')[0]!.replace(/:$/, '');
    throw new ConfigError(`${path}: not valid YAML/JSON: ${first}; fix the file's syntax there`);
  }
  const orgs = (data as { orgs?: unknown } | null)?.orgs;
  if (Array.isArray(orgs) && orgs.length > MAX_ORGS)
    throw new ConfigError(
      `${path}: orgs: ${orgs.length} orgs, more than ${MAX_ORGS}; split them across agents`,
    );
  const r = FileSchema.safeParse(data ?? {});
  if (!r.success) throw new ConfigError(describeFileIssues(path, r.error.issues));
  const parsed = r.data as Record<string, unknown> & { orgs?: Record<string, unknown>[] };
  return {
    agent: fileLayer(parsed, AGENT_FILE_KEYS, path, []),
    orgs: parsed.orgs?.map((o, i) => fileLayer(o, ORG_FILE_KEYS, path, ['orgs', i])),
  };
}

function fileLayer(data: Record<string, unknown>, keys: FileKey[], file: string, prefix: PropertyKey[]) {
  const dig = (path: string[]) =>
    path.reduce<unknown>((node, p) => (node as Record<string, unknown> | undefined)?.[p], data);
  return layerOf(
    keys.map((k) => [k, keyPath([...prefix, ...k.path]), dig(k.path)]),
    file,
  );
}
