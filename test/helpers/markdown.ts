/** The markdown section under "### `name`" up to the next heading. */
export function section(doc: string, name: string): string | undefined {
  const start = doc.indexOf(`### \`${name}\`\n`);
  if (start < 0) return undefined;
  const next = doc.slice(start + 4).search(/^#{2,3} /m);
  return next < 0 ? doc.slice(start) : doc.slice(start, start + 4 + next);
}
