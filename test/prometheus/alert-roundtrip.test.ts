/**
 * The shipped prometheus.yml, rules and alertmanager.yml in real servers: Prometheus scrapes a
 * small exposition server standing in for the agent, evaluates the shipped rules (with `for:`
 * shortened in a temp copy) and Alertmanager routes GenesysClientNearRateLimit to a local webhook.
 *
 * @module-tag system
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import {
  startAlertmanager,
  startExpositionServer,
  startPrometheus,
  startWebhookReceiver,
  waitFor,
  type ExpositionServer,
  type RunningServer,
} from '../helpers/prom-servers.js';

const PROM_DIR = join(import.meta.dirname, '../../prometheus');

const exposition = (
  wfmRpm: number,
) => `# HELP genesys_gateway_token_peak_requests_per_minute Requests in the last 60 s of the busiest token.
# TYPE genesys_gateway_token_peak_requests_per_minute gauge
genesys_gateway_token_peak_requests_per_minute{org="Demo Org",client_id="6a1e",client_name="WFM_Sync_Script"} ${wfmRpm}
genesys_gateway_token_peak_requests_per_minute{org="Demo Org",client_id="7b2f",client_name="Reporting"} 100
# HELP genesys_limit_requests_per_minute Limits of the org.
# TYPE genesys_limit_requests_per_minute gauge
genesys_limit_requests_per_minute{org="Demo Org",limit_key="client.credentials.token.rate.per.minute"} 300
`;

const rulesFileSchema = z.object({
  groups: z.array(z.object({ name: z.string(), rules: z.array(z.record(z.string(), z.unknown())) })),
});
const promConfigSchema = z.looseObject({
  global: z.looseObject({}),
  alerting: z.object({
    alertmanagers: z.array(z.object({ static_configs: z.array(z.object({ targets: z.array(z.string()) })) })),
  }),
  scrape_configs: z.array(
    z.looseObject({
      job_name: z.string(),
      static_configs: z.array(z.object({ targets: z.array(z.string()) })),
    }),
  ),
});
const amConfigSchema = z.looseObject({
  route: z.looseObject({}),
  receivers: z.array(z.looseObject({ name: z.string() })),
});

/** The shipped rule files with every `for:` cut to 2 s so the test does not wait minutes. */
async function fastRules(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await readdir(join(PROM_DIR, 'rules'))) {
    const rules = rulesFileSchema.parse(parse(await readFile(join(PROM_DIR, 'rules', name), 'utf8')));
    for (const group of rules.groups) for (const rule of group.rules) if ('for' in rule) rule.for = '2s';
    files[`rules/${name}`] = stringify(rules);
  }
  return files;
}

describe('shipped rules in a real Prometheus and Alertmanager', () => {
  let agent: ExpositionServer;
  let prometheus: RunningServer | undefined;
  let alertmanager: RunningServer | undefined;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    agent = await startExpositionServer(exposition(280));
    receiver = await startWebhookReceiver();

    // Shipped routing and grouping; every receiver delivers to the local webhook instead of Slack/Teams.
    const am = amConfigSchema.parse(parse(await readFile(join(PROM_DIR, 'alertmanager.yml'), 'utf8')));
    Object.assign(am.route, { group_wait: '1s', group_interval: '1s', repeat_interval: '1h' });
    am.receivers = am.receivers.map(({ name }) => ({
      name,
      webhook_configs: [{ url: receiver.url, send_resolved: true }],
    }));
    alertmanager = await startAlertmanager(stringify(am));

    // Shipped prometheus.yml with loopback targets and 1 s intervals.
    const prom = promConfigSchema.parse(parse(await readFile(join(PROM_DIR, 'prometheus.yml'), 'utf8')));
    Object.assign(prom.global, { scrape_interval: '1s', evaluation_interval: '1s' });
    prom.alerting.alertmanagers[0]!.static_configs[0]!.targets = [alertmanager.address];
    prom.scrape_configs[0]!.static_configs[0]!.targets = [agent.address];
    prometheus = await startPrometheus(stringify(prom), await fastRules());
  });

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await receiver?.close();
    await agent?.close();
  });

  it('delivers GenesysClientNearRateLimit for the client above 250 req/min, then its resolution', async () => {
    const firing = await waitFor(
      'a firing GenesysClientNearRateLimit notification',
      () =>
        receiver.payloads
          .flatMap((p) => p.alerts.map((alert) => ({ payload: p, alert })))
          .find(
            ({ alert }) =>
              alert.status === 'firing' && alert.labels.alertname === 'GenesysClientNearRateLimit',
          ),
      45_000,
    ).catch((error: unknown) => {
      throw new Error(
        `${String(error)}\nprometheus log:\n${prometheus?.log()}\nalertmanager log:\n${alertmanager?.log()}`,
      );
    });

    expect(receiver.errors).toEqual([]);
    expect(firing.payload.receiver).toBe('slack'); // severity=warning route
    expect(firing.payload.groupLabels).toEqual({
      alertname: 'GenesysClientNearRateLimit',
      org: 'Demo Org',
      client_name: 'WFM_Sync_Script',
    });
    expect(firing.alert.labels).toMatchObject({
      client_name: 'WFM_Sync_Script',
      client_id: '6a1e',
      severity: 'warning',
    });
    expect(firing.alert.annotations.summary).toBe(
      'OAuth Client WFM_Sync_Script is consuming 280 requests/min and is nearing rate exhaustion.',
    );
    const clients = receiver.payloads.flatMap((p) => p.alerts.map((a) => a.labels.client_name));
    expect(clients).not.toContain('Reporting');

    agent.set(exposition(120));
    await waitFor('the resolved notification', () =>
      receiver.payloads.find(
        (p) =>
          p.status === 'resolved' &&
          p.alerts.some((a) => a.labels.alertname === 'GenesysClientNearRateLimit'),
      ),
    );
  });
});
