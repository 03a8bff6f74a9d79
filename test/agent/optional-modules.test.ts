/**
 * An agent loads only the wings it is configured for: the simulator and the demo wing in demo mode,
 * the gateway with a gateway port, the OTLP exporter with an endpoint, the YAML parser with a config
 * file, the rate limiter with the push endpoint, each command with its command. Every module costs
 * idle memory (docs/performance.md). The built CLI runs with a module resolve hook that writes every
 * resolved URL to a file; a run with each wing on must list it, so no check passes vacuously.
 *
 * @module-tag system
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../src/simulator/index.js';
import { parseProm, valueOf } from '../helpers/prom-text.js';
import { simulatorEnv } from '../helpers/sim-env.js';
import { freePort, spawnCli, waitFor } from '../helpers/spawn-agent.js';

const HOOK = `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
const out = process.env.RECORD_MODULES_TO;
registerHooks({
  resolve(specifier, context, next) {
    const resolved = next(specifier, context);
    appendFileSync(out, resolved.url + '\\n');
    return resolved;
  },
});
`;

let dir: string;
let hook: string;
let sim: RunningSimulator;
let runs = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gua-modules-'));
  hook = join(dir, 'record-modules.mjs');
  writeFileSync(hook, HOOK);
  sim = await startSimulator({ scenario: 'steady' });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI until the usage source is up on /metrics (or, with `untilExit`, to its end); returns the modules it loaded. */
async function modulesOf(args: string[], env: Record<string, string>, untilExit = false): Promise<string[]> {
  const log = join(dir, `modules-${++runs}.txt`);
  writeFileSync(log, '');
  const port = await freePort();
  const agent = spawnCli(
    args,
    { ...env, AGENT_HOST: '127.0.0.1', AGENT_PORT: String(port), RECORD_MODULES_TO: log },
    { nodeArgs: ['--import', pathToFileURL(hook).href] },
  );
  try {
    if (untilExit) await agent.exit;
    else
      await waitFor(
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          return valueOf(parseProm(text), 'genesys_agent_source_up', { source: 'usage' }) === 1
            ? true
            : undefined;
        },
        30_000,
        'usage source up on /metrics',
      );
  } finally {
    // A clean stop: the shutdown path's modules are in the list too.
    expect(await agent.stop(), agent.stderr()).toBe(0);
  }
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const simulatorModules = (urls: string[]) => urls.filter((u) => /\/src\/simulator\//.test(u));

/** Each optional wing: the modules that must load only when it is configured. */
const WINGS = {
  simulator: /\/dist\/src\/simulator\//,
  demo: /\/dist\/src\/demo\/(?!index\.js$)/,
  gateway: /\/dist\/src\/sources\/gateway\//,
  commands: /\/dist\/src\/commands\//,
  otlp: /\/node_modules\/@opentelemetry\/(exporter-metrics-otlp-http|otlp-transformer|otlp-exporter-base)\//,
  yaml: /\/node_modules\/yaml\//,
  rateLimit: /\/node_modules\/@fastify\/rate-limit\//,
};
const loadedWings = (urls: string[]) =>
  Object.entries(WINGS)
    .filter(([, re]) => urls.some((u) => re.test(u)))
    .map(([name]) => name);

describe('optional wings load only when configured', () => {
  it('a run against a real org with nothing optional configured loads none of them', async () => {
    const urls = await modulesOf(['run'], simulatorEnv(sim));
    expect(urls.some((u) => u.endsWith('/dist/src/agent.js'))).toBe(true);
    expect(urls.some((u) => u.endsWith('/dist/src/sources/usage/index.js'))).toBe(true);
    expect(loadedWings(urls)).toEqual([]);
  });

  it('each configured wing is loaded: gateway, OTLP, config file, push endpoint', async () => {
    const file = join(dir, 'agent.yaml');
    writeFileSync(file, 'logLevel: warn\n');
    const urls = await modulesOf(
      ['run'],
      simulatorEnv(sim, {
        AGENT_GATEWAY_PORT: String(await freePort()),
        AGENT_GATEWAY_HOST: '127.0.0.1',
        // Nothing listens there: failed exports are reported, the agent runs on.
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://127.0.0.1:${await freePort()}/v1/metrics`,
        AGENT_CONFIG_FILE: file,
        AGENT_EVENTS_TOKEN: 'events-token-for-the-wing-test',
      }),
    );
    expect(loadedWings(urls)).toEqual(['gateway', 'otlp', 'yaml', 'rateLimit']);
  });

  it.each([['once', '--json'], ['doctor']])(
    '%s against a real org never loads it either',
    async (...args) => {
      const urls = await modulesOf(args, simulatorEnv(sim), true);
      expect(urls.some((u) => u.endsWith(`/dist/src/commands/${args[0]}.js`))).toBe(true);
      expect(simulatorModules(urls)).toEqual([]);
    },
  );

  it('a demo run (no credentials) loads the simulator, the demo wing and its gateway', async () => {
    const urls = await modulesOf(['run'], {});
    expect(urls.some((u) => u.endsWith('/dist/src/simulator/index.js'))).toBe(true);
    expect(loadedWings(urls)).toEqual(expect.arrayContaining(['simulator', 'demo', 'gateway']));
  });
});
