/**
 * A live /metrics (the demo agent with the gateway and shaping on) serves exactly what the catalogue
 * declares: every genesys_* family is a catalogue entry with its type, help and unit, and every
 * sample carries exactly the declared label keys in the declared order.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type RunningAgent } from '../../src/agent.js';
import { loadConfig } from '../../src/config/config.js';
import { catalogue, METRICS, metricNamed, type AnyMetricDef } from '../../src/telemetry/catalogue.js';
import { deadline } from '../helpers/clock.js';

/** Families the demo does not produce, and why. */
const NOT_IN_DEMO = new Map<AnyMetricDef, string>([
  [catalogue.usageRequestsToday, 'the demo org publishes daily usage only'],
  [catalogue.usageRequestsPerMinute, 'the demo org publishes daily usage only'],
  [catalogue.operationalEvents, 'only once an operational event arrived'],
  [catalogue.agentRecordsSkipped, 'only once a record was skipped'],
  [catalogue.agentOtlpExports, 'only with OTLP configured'],
]);

interface Family {
  type?: string;
  help?: string;
  unit?: string;
  /** Label keys of each sample, by series name. */
  samples: { series: string; keys: string[]; labels: Record<string, string> }[];
}

function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const fam = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { samples: [] }));
    return f;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE|UNIT) (genesys_\S+) (.*)$/.exec(line);
    if (meta) {
      const key = meta[1]!.toLowerCase() as 'help' | 'type' | 'unit';
      fam(meta[2]!)[key] = meta[3]!;
      continue;
    }
    const sample = /^(genesys_[a-z_]+)(?:\{(.*)\})? \S+$/.exec(line);
    if (!sample) continue;
    const series = sample[1]!;
    const family = families.has(series) ? series : series.replace(/_(bucket|sum|count)$/, '');
    const pairs = [...(sample[2] ?? '').matchAll(/(?:^|,)([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)];
    const keys = pairs.map((m) => m[1]!);
    fam(family).samples.push({ series, keys, labels: Object.fromEntries(pairs.map((m) => [m[1]!, m[2]!])) });
  }
  return families;
}

let agent: RunningAgent;
let served: Map<string, Family>;

beforeAll(async () => {
  const config = loadConfig({
    AGENT_HOST: '127.0.0.1',
    AGENT_PORT: '0',
    AGENT_GATEWAY_PORT: '0',
    AGENT_GATEWAY_SHAPING: 'smooth',
  });
  agent = await startAgent(config, {
    logger: pino({ level: 'silent' }),
    client: { usageJobPoll: { initialMs: 10 } },
  });
  const expected = METRICS.filter((m) => !NOT_IN_DEMO.has(m)).map((m) => m.prometheusName);
  const until = deadline(60_000);
  for (;;) {
    for (const s of agent.orgs[0]!.sources) await s.runOnce?.().catch(() => {});
    served = parseExposition(await (await fetch(`${agent.url}/metrics`)).text());
    if (expected.every((n) => served.get(n)?.samples.length) || until.expired()) break;
    await new Promise((r) => setTimeout(r, 500));
  }
}, 90_000);
afterAll(async () => {
  await agent?.close();
});

describe('live /metrics against the catalogue', () => {
  it('serves every catalogue family the demo produces', () => {
    const missing = METRICS.filter(
      (m) => !NOT_IN_DEMO.has(m) && !served.get(m.prometheusName)?.samples.length,
    );
    expect(missing.map((m) => m.prometheusName)).toEqual([]);
  });

  it('serves only catalogue families, each with its type, help and unit', () => {
    for (const [name, f] of served) {
      const m = metricNamed(name);
      expect(m, `${name} is not in the catalogue`).toBeDefined();
      expect(name).toBe(m!.prometheusName);
      expect(f.type, name).toBe(m!.kind);
      expect(f.help, name).toBe(m!.spec.help);
      expect(f.unit ?? '', name).toBe(m!.spec.unit);
    }
  });

  it('labels every sample with exactly the declared keys, in order, and only declared values', () => {
    for (const [name, f] of served) {
      const m = metricNamed(name)!;
      for (const s of f.samples) {
        const declared = s.series.endsWith('_bucket') ? [...m.spec.labels, 'le'] : [...m.spec.labels];
        expect(s.keys, s.series).toEqual(declared);
        for (const [key, values] of Object.entries(m.spec.labelValues ?? {}))
          expect(values, `${s.series}{${key}}`).toContain(s.labels[key]);
      }
    }
  });
});
