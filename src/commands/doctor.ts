import type { AgentConfig } from '../config/config.js';

/** Placeholder until the doctor checklist lands (issue 9). */
export async function runDoctorCommand(_config: AgentConfig, _args: string[]): Promise<number> {
  process.stderr.write('genesys-usage-agent: doctor is not available in this build\n');
  return 1;
}
