/**
 * Loaders for the deployment files, each checked with zod against the parts the tests rely on.
 * Paths are relative to the repository root so the tests read exactly what compose mounts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const repoPath = (...parts: string[]): string => resolve(repoRoot, ...parts);

export function readRepoFile(relative: string): string {
  const path = repoPath(relative);
  if (!existsSync(path)) throw new Error(`${relative} does not exist (expected at ${path})`);
  return readFileSync(path, 'utf8');
}

// ---- Collector ----

const componentMap = z.record(z.string(), z.record(z.string(), z.unknown()).nullable());
const pipeline = z.strictObject({
  receivers: z.array(z.string()).min(1),
  processors: z.array(z.string()).default([]),
  exporters: z.array(z.string()).min(1),
});
const telemetryReader = z.object({
  pull: z.object({
    exporter: z.object({ prometheus: z.object({ host: z.string(), port: z.number().int() }) }),
  }),
});

const collectorConfigSchema = z.strictObject({
  extensions: componentMap.default({}),
  receivers: componentMap,
  processors: componentMap.default({}),
  exporters: componentMap,
  connectors: componentMap.optional(),
  service: z.strictObject({
    extensions: z.array(z.string()).default([]),
    telemetry: z.object({
      logs: z.record(z.string(), z.unknown()).optional(),
      metrics: z.object({ level: z.string().optional(), readers: z.array(telemetryReader).min(1) }),
    }),
    pipelines: z.record(z.string().regex(/^(metrics|traces|logs)(\/.+)?$/), pipeline),
  }),
});
export type CollectorConfig = z.infer<typeof collectorConfigSchema>;

/**
 * Expands the Collector's `${env:VAR}` / `${env:VAR:-default}` references the way its env provider
 * does at start-up, with the given environment.
 */
function expandCollectorEnv(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(
    /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_m, name: string, fallback?: string) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback === undefined) throw new Error(`\${env:${name}} has no value and no default`);
      return fallback;
    },
  );
}

export function loadCollectorConfig(env: Readonly<Record<string, string>> = {}): CollectorConfig {
  return collectorConfigSchema.parse(
    parse(expandCollectorEnv(readRepoFile('otel-collector-config.yaml'), env)),
  );
}

export interface Listener {
  where: string;
  host: string;
  port: number;
}

const endpointSchema = z.object({ endpoint: z.string() });

function hostPort(where: string, endpoint: string): Listener {
  const match = /^([^:]+):(\d+)$/.exec(endpoint);
  if (!match?.[1] || !match[2]) throw new Error(`${where}: endpoint ${endpoint} is not host:port`);
  return { where, host: match[1], port: Number(match[2]) };
}

/** Every socket the Collector listens on with this config. */
export function collectorListeners(cfg: CollectorConfig): Listener[] {
  const listeners: Listener[] = [];
  for (const [id, body] of Object.entries(cfg.extensions)) {
    const parsed = endpointSchema.safeParse(body);
    if (parsed.success) listeners.push(hostPort(`extensions.${id}`, parsed.data.endpoint));
  }
  for (const [id, body] of Object.entries(cfg.receivers)) {
    const protocols = z
      .object({ protocols: z.record(z.string(), endpointSchema.nullable()) })
      .safeParse(body);
    if (!protocols.success) throw new Error(`receivers.${id}.protocols must give each protocol an endpoint`);
    for (const [proto, p] of Object.entries(protocols.data.protocols)) {
      if (!p) throw new Error(`receivers.${id}.protocols.${proto} has no endpoint (defaults to localhost)`);
      listeners.push(hostPort(`receivers.${id}.protocols.${proto}`, p.endpoint));
    }
  }
  for (const [id, body] of Object.entries(cfg.exporters)) {
    // Pull exporters (prometheus) listen; push exporters have a URL endpoint instead.
    const parsed = endpointSchema.safeParse(body);
    if (parsed.success && !/^[a-z]+:\/\//.test(parsed.data.endpoint)) {
      listeners.push(hostPort(`exporters.${id}`, parsed.data.endpoint));
    }
  }
  cfg.service.telemetry.metrics.readers.forEach((r, i) => {
    const { host, port } = r.pull.exporter.prometheus;
    listeners.push({ where: `service.telemetry.metrics.readers[${i}]`, host, port });
  });
  return listeners;
}

/** `type/name` ids share their type's settings; the type is what the contrib manifest knows. */
export const componentType = (id: string): string => id.split('/')[0] ?? id;

// ---- docker-compose.yml ----

const stringList = z.array(z.string());
const service = z.object({
  image: z.string().optional(),
  build: z.unknown().optional(),
  command: z.union([z.string(), stringList]).optional(),
  environment: z.record(z.string(), z.string().nullable()).optional(),
  ports: z.array(z.string()).default([]),
  expose: z.array(z.string()).default([]),
  volumes: z.array(z.string()).default([]),
  secrets: z.array(z.string()).default([]),
  profiles: stringList.optional(),
  healthcheck: z.record(z.string(), z.unknown()).optional(),
  depends_on: z.union([stringList, z.record(z.string(), z.unknown())]).optional(),
});
const composeSchema = z.object({
  services: z.record(z.string(), service),
  secrets: z.record(z.string(), z.object({ file: z.string() })).default({}),
  volumes: z.record(z.string(), z.unknown().nullable()).default({}),
});
export type ComposeFile = z.infer<typeof composeSchema>;

/** The real-org file; `docker-compose.demo.yml` adds the simulator on top of it. */
export function loadCompose(
  file: 'docker-compose.yml' | 'docker-compose.demo.yml' = 'docker-compose.yml',
): ComposeFile {
  return composeSchema.parse(parse(readRepoFile(file)));
}

export function composeService(compose: ComposeFile, name: string): z.infer<typeof service> {
  const svc = compose.services[name];
  if (!svc) throw new Error(`docker-compose.yml has no service ${name}`);
  return svc;
}

/** Publishes the container port on the same host port (the ports documented in docs/deployment.md). */
export function publishesSamePort(svc: z.infer<typeof service>, port: number): boolean {
  return svc.ports.some((p) => p.replace(/\/(tcp|udp)$/, '') === `${port}:${port}`);
}

export const exposedPorts = (svc: z.infer<typeof service>): number[] => svc.expose.map(Number);
