/**
 * OTLP push failures are visible: one log line per failure episode with its cause, a counter by
 * outcome on /metrics (and in the next successful push), and the last state in /readyz.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OtlpExportLedger } from '../../src/telemetry/otlp-export.js';
import { otlpPush, Telemetry } from '../../src/telemetry/telemetry.js';
import type { Logger } from '../../src/util/logger.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import { freePort, spawnCli, waitFor, type SpawnedAgent } from '../helpers/spawn-agent.js';

function capturingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function telemetryTo(url: string, logger: Logger): Promise<Telemetry> {
  const t = new Telemetry({
    serviceName: 'test-agent',
    serviceVersion: '1.0.0',
    instanceId: 'i-1',
    resourceAttributes: {},
    // The test drives exports with flush(); the interval also bounds each export's retries.
    otlp: await otlpPush({ url, headers: { authorization: 'Bearer do-not-log-me' }, intervalMs: 1_000 }),
    families: () => [
      {
        name: 'genesys_agent_build_info',
        help: 'b',
        unit: '',
        kind: 'gauge',
        points: [{ attributes: {}, value: 1 }],
      },
    ],
    logger,
  });
  cleanups.push(() => t.shutdown().catch(() => {}));
  return t;
}

const flush = (t: Telemetry) => t.flush().catch(() => {});

describe('OTLP export ledger (pure)', () => {
  it('counts by outcome and reports only the edges of a failure episode', () => {
    const ledger = new OtlpExportLedger('http://127.0.0.1:1/v1/metrics', 1_000);
    expect(ledger.family()).toEqual([]);
    expect(ledger.record(2_000, 'connect ECONNREFUSED')).toBe('failing');
    expect(ledger.record(3_000, 'connect ECONNREFUSED')).toBeNull();
    expect(ledger.current()).toMatchObject({
      lastAttemptMs: 3_000,
      lastSuccessMs: null,
      consecutiveFailures: 2,
    });
    expect(ledger.record(4_000, null)).toBe('recovered');
    expect(ledger.record(5_000, null)).toBeNull();
    expect(ledger.record(6_000, 'HTTP 500')).toBe('failing');
    const [family] = ledger.family();
    expect(family?.points).toEqual([
      { attributes: { outcome: 'success' }, value: 2, startTimeMs: 1_000 },
      { attributes: { outcome: 'failure' }, value: 3, startTimeMs: 1_000 },
    ]);
    expect(ledger.current()).toMatchObject({
      lastSuccessMs: 5_000,
      lastError: 'HTTP 500',
      consecutiveFailures: 1,
    });
  });
});

describe('OTLP export failures', () => {
  it('nothing listening: one warning with the cause, failures counted, state kept', async () => {
    const { logger, lines } = capturingLogger();
    const port = await freePort();
    const t = await telemetryTo(`http://127.0.0.1:${port}/v1/metrics`, logger);
    for (let i = 0; i < 3; i++) await flush(t);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/OTLP export failing/);
    expect(String(warnings[0]?.obj['cause'])).toMatch(/ECONNREFUSED/);
    expect(warnings[0]?.obj['endpoint']).toBe(`http://127.0.0.1:${port}/v1/metrics`);
    expect(JSON.stringify(lines)).not.toContain('do-not-log-me');
    const text = await t.scrape();
    // At least the three flushes (the periodic export may add some).
    expect(text).toMatch(/genesys_agent_otlp_exports_total\{outcome="failure"\} ([3-9]|\d\d)\n/);
    expect(text).toContain('genesys_agent_otlp_exports_total{outcome="success"} 0');
    expect(t.otlpStatus()?.consecutiveFailures).toBeGreaterThanOrEqual(3);
    expect(t.otlpStatus()?.lastSuccessMs).toBeNull();
    expect(t.otlpStatus()?.lastError).toMatch(/ECONNREFUSED/);
  });

  it('collector answering 500: one warning naming the status; recovery logged once and pushed', async () => {
    const receiver: OtlpReceiver = await startOtlpReceiver();
    cleanups.push(() => receiver.close());
    receiver.failWith(500);
    const { logger, lines } = capturingLogger();
    const t = await telemetryTo(receiver.metricsUrl, logger);
    await flush(t);
    await flush(t);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.obj['cause'])).toMatch(/^HTTP 500\b/);
    receiver.failWith(null);
    await flush(t);
    await flush(t);
    expect(lines.filter((l) => l.level === 'info' && /recovered/.test(l.msg ?? ''))).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(t.otlpStatus()).toMatchObject({ consecutiveFailures: 0, lastError: null });
    // The pushed counter carries the failures the collector never saw.
    const last = receiver.requests.at(-1)!;
    const metric = last.resourceMetrics
      .flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics))
      .find((m) => m.name === 'genesys_agent_otlp_exports');
    const failure = metric?.sum?.dataPoints.find((p) =>
      p.attributes.some((a) => a.key === 'outcome' && a.value.stringValue === 'failure'),
    );
    expect(Number((failure as { asDouble?: number }).asDouble)).toBeGreaterThanOrEqual(2);
  });

  it(
    'the running agent: /readyz shows the last export state and the log has one line for the episode',
    { tags: ['system'] },
    async () => {
      const port = await freePort();
      const dead = await freePort();
      const agent: SpawnedAgent = spawnCli(['run'], {
        AGENT_HOST: '127.0.0.1',
        AGENT_PORT: String(port),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${dead}`,
        OTEL_METRIC_EXPORT_INTERVAL: '200',
      });
      cleanups.push(() => agent.stop());
      const otlp = z.object({
        endpoint: z.string(),
        lastAttempt: z.string().nullable(),
        lastSuccess: z.string().nullable(),
        lastError: z.string().nullable(),
        consecutiveFailures: z.number(),
      });
      const detail = await waitFor(
        async () => {
          const body = z
            .object({ otlp })
            .parse(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json());
          return body.otlp.consecutiveFailures >= 3 ? body.otlp : undefined;
        },
        20_000,
        '/readyz otlp detail after three failed exports',
      );
      expect(detail.endpoint).toBe(`http://127.0.0.1:${dead}/v1/metrics`);
      expect(detail.lastSuccess).toBeNull();
      expect(detail.lastError).toMatch(/ECONNREFUSED/);
      const episodes = agent
        .stderr()
        .split('\n')
        .filter((l) => l.includes('OTLP export failing'));
      expect(episodes).toHaveLength(1);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/genesys_agent_otlp_exports_total\{outcome="failure"\} [3-9]/);
    },
  );
});
