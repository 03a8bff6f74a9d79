/** Environment that points a bench agent child at a simulator, as an operator would configure it. */
import { BENCH_AGENT } from './scenario.js';

export function agentEnv(simUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GENESYS_CLIENT_ID: BENCH_AGENT.clientId,
    GENESYS_CLIENT_SECRET: BENCH_AGENT.clientSecret,
    GENESYS_API_BASE_URL: simUrl,
    GENESYS_LOGIN_BASE_URL: simUrl,
    GENESYS_ORG_NAME: 'bench',
    AGENT_LOG_LEVEL: 'warn',
    ...extra,
  };
}
