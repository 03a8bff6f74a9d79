/**
 * The environment side of the settings table: which variables exist (a setting's own, and
 * `<NAME>_FILE` for those read from files) and the README's configuration table.
 */
import { spec, VARIANTS, type Variant } from './settings.js';

export const ENV_VARIABLES: ReadonlyMap<string, Variant> = new Map(
  VARIANTS.filter((v) => v.env !== null).map((v) => [v.env!, v]),
);

/** The README's configuration table, as Markdown: one row per variable or file-only key, in table order. */
export function envTableMarkdown(): string {
  const cell = (v: string | null) => (v === null ? '—' : `\`${v}\``);
  const rows = VARIANTS.map((v) => {
    const s = spec(v.id);
    const [doc, shown] =
      v.variant === 'value'
        ? [s.doc, s.shownDefault]
        : [`File holding ${s.env ? `\`${s.env}\`` : 'the value'} (wins over it)`, '—'];
    return `| ${cell(v.env)} | ${cell(v.file)} | ${doc} | ${shown} |`;
  });
  return ['| variable | file key | meaning | default |', '|---|---|---|---|', ...rows].join('\n');
}
