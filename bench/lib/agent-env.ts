/** Environment that points a bench agent child at a simulator, as an operator would configure it. */
import { BENCH_AGENT } from './scenario.js';

/** One org at `simUrl`, or none (null: the orgs come from `extra`, e.g. AGENT_CONFIG_FILE). */
export function agentEnv(simUrl: string | null, extra: Record<string, string> = {}): Record<string, string> {
  const org = simUrl && {
    GENESYS_CLIENT_ID: BENCH_AGENT.clientId,
    GENESYS_CLIENT_SECRET: BENCH_AGENT.clientSecret,
    GENESYS_API_BASE_URL: simUrl,
    GENESYS_LOGIN_BASE_URL: simUrl,
    GENESYS_ORG_NAME: 'bench',
  };
  return { ...org, AGENT_LOG_LEVEL: 'warn', ...extra };
}
