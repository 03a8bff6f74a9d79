#!/usr/bin/env node
import type { ParseArgsOptionsConfig } from 'node:util';
import { startAgent } from './agent.js';
import { commandArgs, say, usageError } from './util/cli-args.js';
import { loadConfig, type AgentConfig } from './config/config.js';
import { ConfigError } from './config/errors.js';
import { describeError } from './util/logger.js';
import { createLogger } from './util/pino.js';
import { forTerminal } from './util/terminal.js';
import { agentVersion } from './util/version.js';

const HELP = `genesys-usage-agent ${agentVersion()}
Watches the API consumption of every OAuth client in a Genesys Cloud org and warns before
rate limits (HTTP 429) bite. Exposes Prometheus /metrics and pushes OTLP.

Usage: genesys-usage-agent [command] [options]

Commands:
  run (default)        start the agent; with no GENESYS_CLIENT_ID it runs a demo against
                       an embedded simulator
  simulate [--port N] [--host H] [--scenario NAME|FILE] [--seed N]
                       run the Genesys Cloud API simulator alone
  once [--json]        collect every source once, print a per-client table (or JSON), exit
  doctor               check configuration, login, permissions and reachability

  <command> --help     that command's usage

Options:
  --help, -h           show this help
  --version, -v        print the version

Configuration comes from environment variables (and AGENT_CONFIG_FILE); see README.md.
Exit codes: 0 ok, 1 runtime failure, 2 configuration error.
`;

const RUN_USAGE = `Usage: genesys-usage-agent [run]

Starts the agent: polls every configured org, serves /metrics, the status page and the API, pushes
OTLP when configured, and runs the gateway when AGENT_GATEWAY_PORT is set. With no GENESYS_CLIENT_ID
it runs a demo against an embedded simulator. Configured by environment variables and
AGENT_CONFIG_FILE (README.md, docs/configuration.md); stops on SIGTERM or SIGINT.
`;
const ONCE_USAGE = `Usage: genesys-usage-agent once [--json]

Collects every enabled source once, prints a per-client table, and exits (1 if a source failed).
  --json            the status page's JSON instead of the table
`;
const DOCTOR_USAGE = `Usage: genesys-usage-agent doctor

Checks the configuration, reachability, login, each permission the sources need, the limits and
the clock, with a fix for every failure; exits 0 only if every check passes.
`;

const COMMANDS: Record<string, { usage: string; options: ParseArgsOptionsConfig }> = {
  run: { usage: RUN_USAGE, options: {} },
  once: { usage: ONCE_USAGE, options: { json: { type: 'boolean' } } },
  doctor: { usage: DOCTOR_USAGE, options: {} },
};

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${agentVersion()}\n`);
    return 0;
  }
  const command = first === undefined || first.startsWith('-') ? 'run' : first;
  const args = command === first ? rest : argv;
  if (command === 'simulate') {
    // Loaded only for this command: `run` against a real org never carries the simulator.
    const { runSimulateCommand } = await import('./simulator/cli.js');
    return runSimulateCommand(args);
  }
  if (!Object.hasOwn(COMMANDS, command)) return usageError(`unknown command "${command}"; run with --help`);
  const { usage, options } = COMMANDS[command]!;
  const parsed = commandArgs(command, args, options, usage);
  if (typeof parsed === 'number') return parsed;
  let config: AgentConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) return configLine(err.message);
    throw err;
  }
  try {
    if (command === 'run') return await runCommand(config);
    for (const w of config.warnings) say(`warning: ${w}`);
    // Each command's modules load with it, so `run` carries neither `once`'s table nor `doctor`.
    if (command === 'once') {
      const { runOnceCommand } = await import('./commands/once.js');
      return await runOnceCommand(config, { json: parsed.json === true });
    }
    const { runDoctorCommand } = await import('./commands/doctor.js');
    return await runDoctorCommand(config);
  } catch (err) {
    const line = startupMistake(err, config);
    if (line === undefined) throw err;
    return configLine(line);
  }
}

function configLine(message: string): number {
  return usageError(`configuration error: ${message}`);
}

/**
 * Start-up failures that are configuration mistakes only the start can reveal (the scenario file's
 * contents, a port in use, an address this machine does not have): the setting and the fix, or
 * undefined for a genuine runtime failure.
 */
function startupMistake(err: unknown, config: AgentConfig): string | undefined {
  const e = err as NodeJS.ErrnoException & { hostname?: string };
  // Checked by name: the simulator is loaded only in demo mode, so its class is not imported here.
  if (e?.name === 'ScenarioError') return `AGENT_DEMO_SCENARIO: ${describeError(err)}`;
  // Name the listener that failed: the agent's own, or the gateway's when it is on (both when unclear).
  const listeners = [
    { names: { port: 'AGENT_PORT', host: 'AGENT_HOST' }, port: config.port, host: config.host },
    ...(config.gateway
      ? [{ names: { port: 'AGENT_GATEWAY_PORT', host: 'AGENT_GATEWAY_HOST' }, ...config.gateway }]
      : []),
  ];
  const named = (setting: 'port' | 'host', failed: unknown) => {
    const hit = listeners.filter((l) => l[setting] === failed);
    return (hit.length > 0 ? hit : listeners).map((l) => l.names[setting]).join('/');
  };
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES')
    return `${named('port', (e as { port?: number }).port)}: ${describeError(err)}; choose a free port`;
  if (
    (e?.code === 'ENOTFOUND' && listeners.some((l) => l.host === e.hostname)) ||
    e?.code === 'EADDRNOTAVAIL'
  )
    return `${named('host', e.hostname ?? (e as { address?: string }).address)}: ${describeError(err)}; use an address of this machine (0.0.0.0 for all)`;
  return undefined;
}

/** `run`: a start-up mistake is rethrown for main() to name; any other failure is logged, exit 1. */
async function runCommand(config: AgentConfig): Promise<number> {
  const logger = createLogger(config.logLevel);
  for (const w of config.warnings) logger.warn(w);
  let agent;
  try {
    agent = await startAgent(config, { logger });
  } catch (err) {
    if (startupMistake(err, config) !== undefined) throw err;
    logger.fatal({ err: describeError(err) }, 'agent failed to start');
    return 1;
  }
  const signal = await new Promise((resolve) => {
    for (const name of ['SIGTERM', 'SIGINT']) process.once(name, () => resolve(name));
  });
  logger.info({ signal }, 'shutting down (final OTLP flush)');
  await agent.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`genesys-usage-agent: ${forTerminal(describeError(err), 500)}\n`);
    process.exitCode = 1;
  },
);
