/**
 * `doctor`: a checklist of what the agent needs from Genesys Cloud — reachability, login, each
 * permission the sources need, the limits, the clock — with a concrete fix for every failure.
 * The prober, the checks and the checklist printer live in doctor/; this file picks the orgs to
 * check (the embedded simulator in demo mode) and runs them.
 */
import type { AgentConfig } from '../config/config.js';
import { resolveOrgs } from '../demo/index.js';
import { Checklist } from './doctor/checklist.js';
import { orgChecks } from './doctor/checks.js';
import { Prober } from './doctor/probe.js';
import type { CommandOutput } from './output.js';

export { clockSkewSeconds } from './doctor/probe.js';

/** `doctor`: exit 0 only if every check passes. */
export async function runDoctorCommand(
  config: AgentConfig,
  out: CommandOutput = process.stdout,
): Promise<number> {
  const list = new Checklist(out);
  list.line('genesys-usage-agent doctor');
  if (config.mode === 'demo')
    list.line(
      'DEMO MODE: no GENESYS_CLIENT_ID/GENESYS_CLIENT_SECRET configured; checking the embedded simulator instead of a real org',
    );
  // The configured orgs, or in demo mode the embedded simulator's.
  const resolved = await resolveOrgs(config);
  const { orgs } = resolved;
  try {
    list.report('configuration valid', {
      ok: true,
      detail: `${config.mode} mode, ${orgs.length} org${orgs.length === 1 ? '' : 's'} (${orgs.map((o) => o.name).join(', ')})`,
    });
    for (const org of orgs) {
      list.line(`org ${org.name}: api ${org.apiBaseUrl}, login ${org.loginBaseUrl}`);
      const prober = new Prober(org);
      try {
        await list.run(orgChecks(org, prober));
      } finally {
        await prober.close();
      }
    }
  } finally {
    await resolved.close();
  }
  list.line(
    list.failed === 0
      ? `all ${list.passed} checks passed`
      : `${list.failed} check${list.failed === 1 ? '' : 's'} failed, ${list.skipped} skipped, ${list.passed} passed`,
  );
  return list.failed === 0 ? 0 : 1;
}
