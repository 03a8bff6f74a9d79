/**
 * The environment side of the settings table: which variables exist (a setting's own, and
 * `<NAME>_FILE` for those read from files), their schema, and the README's configuration table.
 */
import { z } from 'zod';
import { text } from './kinds.js';
import { envFileName, fileFileKey, SETTING_IDS, spec, type SettingId } from './settings.js';

export interface EnvVariable {
  name: string;
  id: SettingId;
  /** `file`: the variable names a file holding the value. */
  variant: 'value' | 'file';
}

export const ENV_VARIABLES: ReadonlyMap<string, EnvVariable> = new Map(
  SETTING_IDS.flatMap((id): [string, EnvVariable][] => {
    const env = spec(id).env;
    if (env === null) return [];
    const own: [string, EnvVariable] = [env, { name: env, id, variant: 'value' }];
    if (!spec(id).viaFile) return [own];
    return [own, [envFileName(id), { name: envFileName(id), id, variant: 'file' }]];
  }),
);

/** Every variable the agent reads, parsed by its setting's parser (a `_FILE` variable: a path). */
export const EnvSchema = z.object(
  Object.fromEntries(
    [...ENV_VARIABLES.values()].map((v) => [
      v.name,
      (v.variant === 'file' ? text() : spec(v.id).parse).optional(),
    ]),
  ),
);

interface EnvDoc {
  name: string | null;
  fileKey: string | null;
  description: string;
  default: string;
}

/** One row per variable or file-only key, in table order. */
function envDocs(): EnvDoc[] {
  return SETTING_IDS.flatMap((id) => {
    const s = spec(id);
    const row: EnvDoc = { name: s.env, fileKey: s.file, description: s.doc, default: s.shownDefault };
    if (!s.viaFile) return [row];
    const holder = s.env ? `\`${s.env}\`` : 'the value';
    return [
      row,
      {
        name: s.env ? envFileName(id) : null,
        fileKey: s.file ? fileFileKey(id) : null,
        description: `File holding ${holder} (wins over it)`,
        default: '—',
      },
    ];
  });
}

/** The README's configuration table, as Markdown. */
export function envTableMarkdown(): string {
  const cell = (v: string | null) => (v === null ? '—' : `\`${v}\``);
  const rows = envDocs().map(
    (d) => `| ${cell(d.name)} | ${cell(d.fileKey)} | ${d.description} | ${d.default} |`,
  );
  return ['| variable | file key | meaning | default |', '|---|---|---|---|', ...rows].join('\n');
}
