import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  collectorListeners,
  componentType,
  composeService,
  exposedPorts,
  loadCollectorConfig,
  loadCompose,
  publishesSamePort,
  readRepoFile,
  type CollectorConfig,
} from './deployment-files.js';

// The exporter selection the config documents (COLLECTOR_METRICS_EXPORTER); unset = default.
const SELECTIONS: Record<string, Record<string, string>> = {
  default: {},
  prometheus: { COLLECTOR_METRICS_EXPORTER: 'prometheus' },
  prometheusremotewrite: { COLLECTOR_METRICS_EXPORTER: 'prometheusremotewrite' },
};

// Components of the contrib distribution this config may use (its manifest includes all of them).
const KNOWN_TYPES = {
  extensions: ['health_check'],
  receivers: ['otlp'],
  processors: ['memory_limiter', 'batch', 'resource', 'attributes', 'transform', 'deltatocumulative'],
  exporters: ['prometheus', 'prometheusremotewrite', 'debug'],
} as const;

function pipelines(cfg: CollectorConfig) {
  return Object.entries(cfg.service.pipelines);
}

const prometheusYmlSchema = z.object({
  scrape_configs: z.array(
    z.object({
      job_name: z.string(),
      honor_labels: z.boolean().optional(),
      static_configs: z.array(z.object({ targets: z.array(z.string()) })).default([]),
    }),
  ),
});

describe('otel-collector-config.yaml', () => {
  it('pins the same contrib release as docker-compose.yml', () => {
    const image = composeService(loadCompose(), 'otel-collector').image ?? '';
    const match = /^otel\/opentelemetry-collector-contrib:(\d+\.\d+\.\d+)$/.exec(image);
    expect(match, `otel-collector image ${image} must be contrib with an exact X.Y.Z tag`).not.toBeNull();
    expect(readRepoFile('otel-collector-config.yaml')).toContain(
      `otel/opentelemetry-collector-contrib:${match?.[1]}`,
    );
  });

  for (const [selection, env] of Object.entries(SELECTIONS)) {
    describe(`with exporter selection "${selection}"`, () => {
      const cfg = loadCollectorConfig(env);

      it('defines every component a pipeline or the extension list names', () => {
        for (const id of cfg.service.extensions)
          expect(cfg.extensions, `extension ${id}`).toHaveProperty([id]);
        for (const [name, p] of pipelines(cfg)) {
          for (const id of p.receivers) expect(cfg.receivers, `${name} receiver ${id}`).toHaveProperty([id]);
          for (const id of p.processors)
            expect(cfg.processors, `${name} processor ${id}`).toHaveProperty([id]);
          for (const id of p.exporters) expect(cfg.exporters, `${name} exporter ${id}`).toHaveProperty([id]);
        }
      });

      it('uses only component types of the contrib distribution', () => {
        for (const kind of Object.keys(KNOWN_TYPES) as (keyof typeof KNOWN_TYPES)[]) {
          for (const id of Object.keys(cfg[kind])) {
            expect(KNOWN_TYPES[kind] as readonly string[], `${kind}.${id}`).toContain(componentType(id));
          }
        }
      });

      it('puts memory_limiter first and batch last in every pipeline', () => {
        expect(pipelines(cfg).length).toBeGreaterThan(0);
        for (const [name, p] of pipelines(cfg)) {
          expect(p.processors.map(componentType)[0], `${name} processors`).toBe('memory_limiter');
          expect(p.processors.map(componentType).at(-1), `${name} processors`).toBe('batch');
        }
      });

      it('sends metrics to Prometheus through exactly one exporter', () => {
        const promExporters = pipelines(cfg)
          .flatMap(([, p]) => p.exporters)
          .filter((id) => componentType(id).startsWith('prometheus'));
        expect(promExporters).toHaveLength(1);
      });

      it('converts deltas to cumulative wherever remote write is fed', () => {
        for (const [name, p] of pipelines(cfg)) {
          if (p.exporters.some((id) => componentType(id) === 'prometheusremotewrite')) {
            expect(p.processors.map(componentType), name).toContain('deltatocumulative');
          }
        }
      });
    });
  }

  it('defaults to the prometheus exporter (the pull path)', () => {
    const cfg = loadCollectorConfig();
    expect(pipelines(cfg).flatMap(([, p]) => p.exporters)).toEqual(['prometheus']);
  });

  it('binds every listener to 0.0.0.0 (the Collector defaults to localhost, unreachable in Docker)', () => {
    const listeners = collectorListeners(loadCollectorConfig());
    expect(listeners.map((l) => l.where).sort()).toEqual([
      'exporters.prometheus',
      'extensions.health_check',
      'receivers.otlp.protocols.http',
      'service.telemetry.metrics.readers[0]',
    ]);
    for (const l of listeners) expect(l.host, l.where).toBe('0.0.0.0');
  });

  it('listens on the ports docker-compose.yml publishes (docs/deployment.md) and nothing unlisted', () => {
    const collector = composeService(loadCompose(), 'otel-collector');
    const ports = new Map(collectorListeners(loadCollectorConfig()).map((l) => [l.where, l.port]));
    expect(ports.get('receivers.otlp.protocols.http')).toBe(4318);
    expect(ports.get('extensions.health_check')).toBe(13133);
    expect(ports.get('exporters.prometheus')).toBe(8889);
    for (const [where, port] of ports) {
      const reachable = publishesSamePort(collector, port) || exposedPorts(collector).includes(port);
      expect(reachable, `${where} port ${port} must be published or exposed by otel-collector`).toBe(true);
    }
    for (const spec of collector.ports) {
      const container = Number(spec.split(':').at(-1));
      expect([...ports.values()], `compose publishes ${spec} but nothing listens there`).toContain(container);
    }
  });

  it('mounts the config where the contrib image reads it', () => {
    const collector = composeService(loadCompose(), 'otel-collector');
    expect(collector.volumes).toContain('./otel-collector-config.yaml:/etc/otelcol-contrib/config.yaml:ro');
  });

  it('remote-writes to the compose Prometheus, which accepts remote write', () => {
    const cfg = loadCollectorConfig();
    const prw = z.object({ endpoint: z.url() }).parse(cfg.exporters['prometheusremotewrite']);
    const url = new URL(prw.endpoint);
    const prometheus = composeService(loadCompose(), 'prometheus');
    expect(url.hostname).toBe('prometheus');
    expect(url.pathname).toBe('/api/v1/write');
    expect(publishesSamePort(prometheus, Number(url.port))).toBe(true);
    expect(prometheus.command).toContain('--web.enable-remote-write-receiver');
  });

  it('agrees with prometheus/prometheus.yml: agent scraped by default, Collector exporter as the commented alternative', () => {
    const text = readRepoFile('prometheus/prometheus.yml');
    const prom = prometheusYmlSchema.parse(parse(text));
    const compose = loadCompose();
    const active = prom.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    const agentPort = Number(composeService(compose, 'agent').environment?.['AGENT_PORT']);
    const exporterPort = new Map(collectorListeners(loadCollectorConfig()).map((l) => [l.where, l.port])).get(
      'exporters.prometheus',
    );

    expect(publishesSamePort(composeService(compose, 'agent'), agentPort)).toBe(true);
    expect(active).toContain(`agent:${agentPort}`);
    // Exactly one path: the Collector target is present only as the documented, commented switch.
    expect(active).not.toContain(`otel-collector:${exporterPort}`);
    expect(text).toMatch(new RegExp(`^\\s*#.*otel-collector:${exporterPort}`, 'm'));
  });
});
