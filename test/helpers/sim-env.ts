/** Environment that points an agent at a running simulator with its built-in agent credentials. */
export function simulatorEnv(
  sim: { url: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    GENESYS_API_BASE_URL: sim.url,
    GENESYS_LOGIN_BASE_URL: sim.url,
    GENESYS_CLIENT_ID: 'simulator-agent',
    GENESYS_CLIENT_SECRET: 'simulator-secret',
    ...extra,
  };
}
