/** The precedence rule, the same for every setting: environment > config file > default. */
import type { Layer } from './sources.js';
import { spec, type SettingId, type Value } from './settings.js';

export interface Resolved<K extends SettingId> {
  values: { [I in K]: Value<I> };
  /** How the operator named the setting (the variable, or `file: key`), for cross-field errors. */
  name(id: K): string;
  /** Whether a layer set it (false: the default applies). */
  isSet(id: K): boolean;
}

/** `layers` from highest precedence down; `unsetName` names a setting no layer set. */
export function resolve<K extends SettingId>(
  ids: readonly K[],
  layers: readonly Layer[],
  unsetName: (id: K) => string = (id) => spec(id).env ?? spec(id).file ?? id,
): Resolved<K> {
  const values = {} as Record<K, unknown>;
  const names = {} as Record<K, string | undefined>;
  for (const id of ids) {
    const layer = layers.find((l) => l.values[id] !== undefined);
    values[id] = layer ? layer.values[id] : structuredClone(spec(id).default);
    names[id] = layer?.names[id];
  }
  return {
    values: values as Resolved<K>['values'],
    name: (id) => names[id] ?? unsetName(id),
    isSet: (id) => names[id] !== undefined,
  };
}
