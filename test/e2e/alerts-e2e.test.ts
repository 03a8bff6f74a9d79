/**
 * End to end (issue 6, acceptance 2 and 3): the built agent in demo mode (embedded simulator,
 * scenario "runaway", demo traffic through the gateway) → a real Prometheus with the shipped
 * prometheus.yml and rules (`for:` shortened) → a real Alertmanager with the shipped routing → a
 * local webhook. Then every dashboard query runs against that Prometheus.
 *
 * The demo's runaway client ramps past 250 req/min on its busiest token within about a minute,
 * so this test takes a minute or two. Needs `npm run build` first (npm test does it).
 *
 * @module-tag system
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import {
  startAlertmanager,
  startPrometheus,
  startWebhookReceiver,
  waitFor,
  type RunningServer,
} from '../helpers/prom-servers.js';
import { alertRuleExprs, dashboardExprs, substituteVariables } from '../grafana/promql.js';

const ROOT = join(import.meta.dirname, '../..');
const PROM_DIR = join(ROOT, 'prometheus');
const CLI = join(ROOT, 'dist/src/cli.js');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

const queryResponse = z.object({
  status: z.literal('success'),
  data: z.object({ resultType: z.string(), result: z.array(z.unknown()) }),
});

describe('demo agent → Prometheus → Alertmanager', () => {
  let agent: ChildProcess | undefined;
  let agentLog = '';
  let prometheus: RunningServer | undefined;
  let alertmanager: RunningServer | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing; run: npm run build`);
    const port = await freePort();
    agent = spawn(process.execPath, [CLI, 'run'], {
      env: {
        ...process.env,
        AGENT_HOST: '127.0.0.1',
        AGENT_PORT: String(port),
        AGENT_DEMO_SCENARIO: 'runaway',
        // platform signals every 5 s so warnings and events reach Prometheus within the test
        AGENT_RATELIMITS_INTERVAL: '5s',
        AGENT_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    agent.stdout?.on('data', (c: Buffer) => (agentLog += c.toString()));
    agent.stderr?.on('data', (c: Buffer) => (agentLog += c.toString()));
    await waitFor('the agent /metrics', async () =>
      (await fetch(`http://127.0.0.1:${port}/metrics`)).ok ? true : undefined,
    );

    receiver = await startWebhookReceiver();
    const am = z
      .looseObject({ route: z.looseObject({}), receivers: z.array(z.looseObject({ name: z.string() })) })
      .parse(parse(await readFile(join(PROM_DIR, 'alertmanager.yml'), 'utf8')));
    Object.assign(am.route, { group_wait: '1s', group_interval: '1s', repeat_interval: '1h' });
    am.receivers = am.receivers.map(({ name }) => ({ name, webhook_configs: [{ url: receiver.url }] }));
    alertmanager = await startAlertmanager(stringify(am));

    const prom = z
      .looseObject({
        global: z.looseObject({}),
        alerting: z.object({
          alertmanagers: z.array(
            z.object({ static_configs: z.array(z.object({ targets: z.array(z.string()) })) }),
          ),
        }),
        scrape_configs: z.array(
          z.looseObject({ static_configs: z.array(z.object({ targets: z.array(z.string()) })) }),
        ),
      })
      .parse(parse(await readFile(join(PROM_DIR, 'prometheus.yml'), 'utf8')));
    Object.assign(prom.global, { scrape_interval: '1s', evaluation_interval: '1s' });
    prom.alerting.alertmanagers[0]!.static_configs[0]!.targets = [alertmanager.address];
    prom.scrape_configs[0]!.static_configs[0]!.targets = [`127.0.0.1:${port}`];
    const rules: Record<string, string> = {};
    for (const name of await readdir(join(PROM_DIR, 'rules'))) {
      rules[`rules/${name}`] = (await readFile(join(PROM_DIR, 'rules', name), 'utf8')).replace(
        /^(\s+for:) .*$/gm,
        '$1 2s',
      );
    }
    prometheus = await startPrometheus(stringify(prom), rules);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await receiver?.close();
    if (agent?.pid !== undefined && agent.exitCode === null) {
      process.kill(agent.pid, 'SIGTERM');
      await once(agent, 'exit');
    }
  });

  it(
    'notifies GenesysClientNearRateLimit and GenesysClientRateLimited for the runaway client only',
    { timeout: 240_000 },
    async () => {
      const firing = (alertname: string) =>
        waitFor(
          `${alertname} at the webhook`,
          () =>
            receiver.payloads
              .flatMap((p) => p.alerts)
              .find((a) => a.status === 'firing' && a.labels.alertname === alertname),
          220_000,
          1_000,
        ).catch((error: unknown) => {
          throw new Error(
            `${String(error)}\nagent log:\n${agentLog}\nprometheus log:\n${prometheus?.log()}`,
            {
              cause: error,
            },
          );
        });
      const near = await firing('GenesysClientNearRateLimit');
      expect(near.labels.client_name).toBe('Chatbot_Backend');
      const match =
        /^OAuth Client Chatbot_Backend is consuming (\d+) requests\/min and is nearing rate exhaustion\.$/.exec(
          near.annotations.summary ?? '',
        );
      expect(match, near.annotations.summary).not.toBeNull();
      expect(Number(match![1])).toBeGreaterThan(250);
      const limited = await firing('GenesysClientRateLimited');
      expect(limited.labels.client_name).toBe('Chatbot_Backend');
      // no alert of any kind names a steady client
      const named = receiver.payloads
        .flatMap((p) => p.alerts)
        .flatMap((a) => (a.labels.client_name ? [a.labels.client_name] : []));
      expect(
        new Set(named),
        JSON.stringify(
          receiver.payloads.flatMap((p) => p.alerts).map((a) => [a.labels.alertname, a.labels.client_name]),
        ),
      ).toEqual(new Set(['Chatbot_Backend']));
    },
  );

  it(
    'runs every dashboard and Grafana alert-rule query and each returns data',
    { timeout: 120_000 },
    async () => {
      // The agent's own 429s: throttle its operational-events pulls in the embedded simulator
      // (the demo log names the simulator's URL).
      const simUrl = /"simulator":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(agentLog)?.[1];
      expect(simUrl, agentLog).toBeDefined();
      const fault = await fetch(`${simUrl}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ route: '/api/v2/usage/events/query', status: 429, retryAfter: 1, rate: 0.5 }),
      });
      expect(fault.status).toBe(201);

      const query = async (expr: string) => {
        const url = `${prometheus!.url}/api/v1/query?query=${encodeURIComponent(substituteVariables(expr))}`;
        return queryResponse.parse(await (await fetch(url)).json()).data.result;
      };
      let empty: string[] = [];
      await waitFor(
        'every dashboard query to return data',
        async () => {
          empty = [];
          // The month forecast rightly has no series while the month has no complete day (the 1st,
          // by Prometheus' own clock): then it must be empty, and the day count must say why.
          const days = (await query('genesys:org_usage_complete_days_this_month:count')) as {
            value: [number, string];
          }[];
          const noCompleteDay = days.length > 0 && days.every((d) => Number(d.value[1]) === 0);
          for (const { where, expr } of [...(await dashboardExprs()), ...(await alertRuleExprs())]) {
            const result = await query(expr);
            if (noCompleteDay && expr.includes('genesys:org_requests_month:forecast')) {
              if (result.length > 0) empty.push(`${where} (a forecast on a month with no complete day)`);
            } else if (result.length === 0) empty.push(where);
          }
          return empty.length === 0 ? true : undefined;
        },
        90_000,
        2_000,
      ).catch(() => undefined);
      expect(empty, `queries that returned nothing:\n${empty.join('\n')}`).toEqual([]);
    },
  );
});
