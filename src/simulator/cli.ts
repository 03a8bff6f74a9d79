/** `genesys-usage-agent simulate`: run the simulator alone until SIGINT/SIGTERM. */
import { commandArgs, usageError } from '../util/cli-args.js';
import { BUILTIN_SCENARIOS, ScenarioError, startSimulator } from './index.js';

const HELP = `Usage: genesys-usage-agent simulate [--port N] [--host H] [--scenario NAME|FILE] [--seed N]

Serves a simulated Genesys Cloud API (token endpoint, Usage APIs, OAuth clients, limits, rate-limit
aggregates, operational events, a rate-limited catch-all) plus control routes under /__sim.
  --port N          listen port (default 8089; 0 = any free port)
  --host H          listen address (default 127.0.0.1)
  --scenario S      built-in (${BUILTIN_SCENARIOS.join(', ')}) or a YAML/JSON file (default demo)
  --seed N          traffic seed (default: the scenario's)
`;

function parsePort(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ScenarioError(`${flag}: expected a whole number 0-65535, got "${value}"`);
  return n;
}

export async function runSimulateCommand(argv: string[]): Promise<number> {
  const values = commandArgs(
    'simulate',
    argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
    },
    HELP,
  );
  if (typeof values === 'number') return values;
  let sim;
  try {
    const port = parsePort(values.port, 8089, '--port');
    let seed: number | undefined;
    if (values.seed !== undefined) {
      seed = Number(values.seed);
      if (!Number.isInteger(seed))
        throw new ScenarioError(`--seed: expected a whole number, got "${values.seed}"`);
    }
    sim = await startSimulator({
      port,
      host: values.host ?? '127.0.0.1',
      scenario: values.scenario ?? 'demo',
      ...(seed === undefined ? {} : { seed }),
    });
  } catch (err) {
    if (err instanceof ScenarioError) return usageError(`simulate: ${err.message}`);
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      return usageError(`simulate: cannot listen: ${code}; choose another --port or --host`);
    throw err;
  }
  const s = sim.scenario;
  process.stdout.write(
    `Genesys Cloud simulator (scenario ${s.name}, org "${s.org.name}") listening on ${sim.url}\n` +
      `  agent credentials: GENESYS_CLIENT_ID=${s.agent.clientId} GENESYS_CLIENT_SECRET=${s.agent.clientSecret} (simulator-only credentials)\n` +
      `  point the agent at it: GENESYS_API_BASE_URL=${sim.url} GENESYS_LOGIN_BASE_URL=${sim.url}\n` +
      `  ground truth: ${sim.url}/__sim/truth\n`,
  );
  const running = sim;
  return new Promise<number>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
