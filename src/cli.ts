#!/usr/bin/env node
import { startAgent } from './agent.js';
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

Options:
  --help, -h           show this help
  --version, -v        print the version

Configuration comes from environment variables (and AGENT_CONFIG_FILE); see README.md.
Exit codes: 0 ok, 1 runtime failure, 2 configuration error.
`;

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
  const args = first === undefined || first.startsWith('-') ? argv : rest;
  switch (command) {
    case 'run':
      return runCommand(args);
    case 'simulate': {
      // Loaded only for this command: `run` against a real org never carries the simulator.
      const { runSimulateCommand } = await import('./simulator/cli.js');
      return runSimulateCommand(args);
    }
    // Each command's modules load with it, so `run` carries neither `once`'s table nor `doctor`.
    case 'once': {
      const { runOnceCommand } = await import('./commands/once.js');
      return withConfig((config) => runOnceCommand(config, args));
    }
    case 'doctor': {
      const { runDoctorCommand } = await import('./commands/doctor.js');
      return withConfig((config) => runDoctorCommand(config, args));
    }
    default:
      process.stderr.write(
        `genesys-usage-agent: unknown command "${forTerminal(command, 80)}"; run with --help\n`,
      );
      return 2;
  }
}

async function withConfig(fn: (config: AgentConfig) => Promise<number>): Promise<number> {
  let config: AgentConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    return configFailure(err);
  }
  try {
    return await fn(config);
  } catch (err) {
    const line = startupMistake(err, config);
    if (line === undefined) throw err;
    return configLine(line);
  }
}

function configFailure(err: unknown): number {
  if (err instanceof ConfigError) return configLine(err.message);
  throw err;
}

function configLine(message: string): number {
  process.stderr.write(`genesys-usage-agent: configuration error: ${forTerminal(message)}\n`);
  return 2;
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
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES')
    return `AGENT_PORT/AGENT_GATEWAY_PORT: ${describeError(err)}; choose a free port`;
  const hosts = [config.host, config.gateway?.host];
  if ((e?.code === 'ENOTFOUND' && hosts.includes(e.hostname)) || e?.code === 'EADDRNOTAVAIL')
    return `AGENT_HOST/AGENT_GATEWAY_HOST: ${describeError(err)}; use an address of this machine (0.0.0.0 for all)`;
  return undefined;
}

async function runCommand(args: string[]): Promise<number> {
  if (args.length > 0) {
    process.stderr.write(
      `genesys-usage-agent: run takes no arguments (got "${forTerminal(args[0]!, 80)}"); configure it with environment variables\n`,
    );
    return 2;
  }
  let config: AgentConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    return configFailure(err);
  }
  const logger = createLogger(config.logLevel);
  let agent;
  try {
    agent = await startAgent(config, { logger });
  } catch (err) {
    const line = startupMistake(err, config);
    if (line !== undefined) return configLine(line);
    logger.fatal({ err: describeError(err) }, 'agent failed to start');
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down (final OTLP flush)');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
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
