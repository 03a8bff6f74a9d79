/** The precedence rule, the same for every setting: environment > config file > default. */
import { ConfigError } from './errors.js';
import { spec, type SettingId, type Value } from './settings.js';

/** Parsed values by setting, and the name each was given under; `file`: the config file they came from. */
export interface Layer {
  values: Partial<Record<SettingId, unknown>>;
  names: Partial<Record<SettingId, string>>;
  file?: string;
}

/** Where a setting is named: its key (a variable, or a key path in `file`). */
interface Where {
  file?: string | undefined;
  key: string;
}

/** Every setting of `K` resolved, with how the operator named each. */
export type Resolved<K extends SettingId> = ReturnType<typeof resolve<K>>;

/** `layers` from highest precedence down; `unset` names a setting no layer set. */
export function resolve<K extends SettingId>(
  ids: readonly K[],
  layers: readonly Layer[],
  unset: (id: K) => Where = (id) => ({ key: spec(id).env ?? spec(id).file ?? id }),
) {
  const values = {} as Record<K, unknown>;
  const where = {} as Record<K, Where & { set: boolean }>;
  for (const id of ids) {
    const layer = layers.find((l) => l.values[id] !== undefined);
    values[id] = layer ? layer.values[id] : structuredClone(spec(id).default);
    where[id] = layer ? { file: layer.file, key: layer.names[id]!, set: true } : { ...unset(id), set: false };
  }
  /** How the operator named the setting (the variable, or `file: key`). */
  const name = (id: K) =>
    where[id].file === undefined ? where[id].key : `${where[id].file}: ${where[id].key}`;
  return {
    values: values as { [I in K]: Value<I> },
    name,
    /** Whether a layer set it (false: the default applies). */
    isSet: (id: K) => where[id].set,
    /**
     * The one-line error `subject: text`: the subject named in full, every other setting named
     * through `n` without the file (and `orgs[i].`) the subject already gave; subjects joined by `/`.
     */
    error(subject: K | K[], text: string | ((n: (id: K) => string) => string)) {
      const [first, ...more] = (Array.isArray(subject) ? subject : [subject]) as K[];
      const s = where[first!];
      const org = /^orgs\[\d+\]\./.exec(s.key)?.[0] ?? '';
      const n = (id: K) => {
        const o = where[id];
        if (o.file !== s.file) return name(id);
        return org && o.key.startsWith(org) ? o.key.slice(org.length) : o.key;
      };
      return new ConfigError(
        `${[name(first!), ...more.map(n)].join('/')}: ${typeof text === 'string' ? text : text(n)}`,
      );
    },
  };
}
