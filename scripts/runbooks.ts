/**
 * Where alerts link their runbooks: one base for the Prometheus rule files (and their promtool
 * tests), the generated PrometheusRule and Grafana's provisioned alert. Set it once per deployment
 * to wherever your team reads docs/runbooks.md (your fork's or wiki's URL), then `npm run generate`
 * rewrites every runbook_url. The shipped value is the repository-relative path: this project
 * cannot know where your copy of the docs is served, and a made-up host would be a dead link.
 */
export const RUNBOOK_BASE_URL = 'docs/runbooks.md';

/** Folders whose YAML files' `runbook_url:` lines carry the base (Kubernetes reads the rule files). */
export const RUNBOOK_DIRS = [
  'prometheus/rules',
  'prometheus/tests',
  'grafana/provisioning/alerting',
] as const;

/** A runbook link: the base, then the alert's section (docs/runbooks.md anchors are lower case). */
export const runbookUrl = (alert: string, base: string = RUNBOOK_BASE_URL): string =>
  `${base}#${alert.toLowerCase()}`;

const RUNBOOK_LINE = /^([ \t]*runbook_url:[ \t]*)['"]?[^\s'"#]*#([a-z0-9-]+)['"]?[ \t]*$/gm;

/** Every `runbook_url: …#anchor` line of a YAML text, pointed at `base` (anchors unchanged). */
export function withRunbookBase(text: string, base: string = RUNBOOK_BASE_URL): string {
  if (/[\s#'"]/.test(base) || base === '')
    throw new Error(`runbook base "${base}" must be a URL or path without #, quotes or spaces`);
  return text.replace(RUNBOOK_LINE, (_m, key: string, anchor: string) => `${key}${base}#${anchor}`);
}
