/** @module-tag system */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config/config.js';
import { ConfigError } from '../../src/config/errors.js';
import {
  composeService,
  loadCompose,
  publishesSamePort,
  readRepoFile,
  repoPath,
  repoRoot,
} from './deployment-files.js';

const INSTALL = 'apt-get update && apt-get install -y docker-compose';

const FILES = {
  real: ['-f', 'docker-compose.yml'],
  demo: ['-f', 'docker-compose.yml', '-f', 'docker-compose.demo.yml'],
} as const;
type Mode = keyof typeof FILES;

function dockerCompose(
  mode: Mode,
  args: string[],
  env: Record<string, string> = {},
): { status: number; stdout: string; stderr: string } {
  const which = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' });
  if (which.status !== 0) throw new Error(`docker-compose (v1.29, Debian package) is missing: ${INSTALL}`);
  // A clean environment: the file's own defaults apply, not whatever the developer exported.
  const result = spawnSync('docker-compose', [...FILES[mode], ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const resolvedAgent = z.object({
  services: z.object({
    agent: z.object({ environment: z.record(z.string(), z.string()) }),
  }),
  secrets: z.object({ genesys_client_secret: z.object({ file: z.string() }) }),
});

/** What the agent container would receive, as `docker-compose config` resolves it. */
function agentEnvironment(mode: Mode, env: Record<string, string> = {}) {
  const r = dockerCompose(mode, ['config'], env);
  if (r.status !== 0) throw new Error(`docker-compose config (${mode}) failed: ${r.stderr}`);
  const resolved = resolvedAgent.parse(parse(r.stdout));
  return {
    env: resolved.services.agent.environment,
    secretFile: resolved.secrets.genesys_client_secret.file,
  };
}

/** The configuration the agent would load from that environment (its secret file as mounted). */
function agentConfigFrom(env: Record<string, string>, secretFile: string) {
  return loadConfig({ ...env, GENESYS_CLIENT_SECRET_FILE: secretFile });
}

// The shape `docker-compose config` prints after resolving variables and relative paths.
const resolvedSchema = z.object({
  services: z.record(
    z.string(),
    z.object({
      volumes: z.array(z.string()).default([]),
      build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
    }),
  ),
  secrets: z.record(z.string(), z.object({ file: z.string() })).default({}),
});

// The ports of docs/deployment.md: each service's published port, host port = container port.
const PORTS: Record<string, number[]> = {
  agent: [9464, 8080],
  simulator: [8089],
  'otel-collector': [4318, 13133, 8889],
  prometheus: [9090],
  alertmanager: [9093],
  grafana: [3000],
};

describe('docker-compose.yml', () => {
  it('passes `docker-compose config -q` for a real org and for the demo', () => {
    for (const mode of ['real', 'demo'] as const) {
      const r = dockerCompose(mode, ['config', '-q']);
      expect(r.stderr, `docker-compose config (${mode})`).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('mounts only files and directories that exist (bind mounts, secrets, build context)', () => {
    const r = dockerCompose('demo', ['config']);
    expect(r.status, r.stderr).toBe(0);
    const resolved = resolvedSchema.parse(parse(r.stdout));
    const missing: string[] = [];
    for (const [name, svc] of Object.entries(resolved.services)) {
      for (const volume of svc.volumes) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('/') && !existsSync(source)) missing.push(`${name}: ${source}`);
      }
      if (svc.build && !existsSync(`${svc.build.context}/${svc.build.dockerfile}`)) {
        missing.push(`${name}: build ${svc.build.dockerfile}`);
      }
    }
    for (const [name, secret] of Object.entries(resolved.secrets)) {
      if (!existsSync(secret.file)) missing.push(`secret ${name}: ${secret.file}`);
    }
    expect(
      missing,
      'docker-compose.yml mounts these; secrets default to ./secrets/genesys_client_secret (demo: simulator-secret) ' +
        'and ./secrets/slack_webhook_url',
    ).toEqual([]);
  });

  it('mounts exactly the Prometheus, Alertmanager and Grafana paths the other deliverables use', () => {
    const compose = loadCompose();
    expect(composeService(compose, 'prometheus').volumes).toEqual(
      expect.arrayContaining([
        './prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
        './prometheus/rules/:/etc/prometheus/rules/:ro',
      ]),
    );
    expect(composeService(compose, 'alertmanager').volumes).toContain(
      './prometheus/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro',
    );
    expect(composeService(compose, 'grafana').volumes).toEqual(
      expect.arrayContaining([
        './grafana/provisioning:/etc/grafana/provisioning:ro',
        './grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    // prometheus.yml loads rules relative to its own directory, where compose mounts them.
    expect(existsSync(repoPath('prometheus/rules'))).toBe(true);
  });

  it('publishes the documented ports (docs/deployment.md; the simulator only from the demo file)', () => {
    const real = loadCompose();
    const demo = loadCompose('docker-compose.demo.yml');
    expect([...Object.keys(real.services), 'simulator'].sort()).toEqual(Object.keys(PORTS).sort());
    for (const [name, ports] of Object.entries(PORTS)) {
      const svc = composeService(name === 'simulator' ? demo : real, name);
      for (const port of ports) expect(publishesSamePort(svc, port), `${name} ${port}`).toBe(true);
    }
  });

  it('pins every image tag and builds the agent and simulator from the repo Dockerfile', () => {
    for (const compose of [loadCompose(), loadCompose('docker-compose.demo.yml')]) {
      for (const [name, svc] of Object.entries(compose.services)) {
        if (svc.build !== undefined) {
          expect(svc.build, name).toEqual({ context: '.', dockerfile: 'Dockerfile' });
          continue;
        }
        if (svc.image !== undefined) expect(svc.image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
      }
    }
    expect(composeService(loadCompose(), 'agent').build).toBeDefined();
    expect(composeService(loadCompose('docker-compose.demo.yml'), 'simulator').build).toBeDefined();
  });

  it('keeps the simulator out of the real-org file: it exists only in docker-compose.demo.yml', () => {
    const real = loadCompose();
    expect(real.services).not.toHaveProperty('simulator');
    expect(readRepoFile('docker-compose.yml')).not.toMatch(/simulator:8089|simulator-agent/);
    const simulator = composeService(loadCompose('docker-compose.demo.yml'), 'simulator');
    expect(simulator.image).toBe(composeService(real, 'agent').image);
    expect(simulator.command).toEqual([
      'simulate',
      '--host',
      '0.0.0.0',
      '--port',
      '8089',
      '--scenario',
      'demo',
    ]);
  });

  it('real org: the agent receives exactly its settings, no simulator and no plain-HTTP URL', () => {
    const { env, secretFile } = agentEnvironment('real', {
      GENESYS_REGION: 'mypurecloud.ie',
      GENESYS_CLIENT_ID: 'c0ffee',
    });
    expect(env).toEqual({
      AGENT_HOST: '0.0.0.0',
      AGENT_PORT: '9464',
      AGENT_GATEWAY_PORT: '8080',
      AGENT_LOG_LEVEL: 'info',
      GENESYS_REGION: 'mypurecloud.ie',
      GENESYS_CLIENT_ID: 'c0ffee',
      GENESYS_CLIENT_SECRET_FILE: '/run/secrets/genesys_client_secret',
      OTEL_SERVICE_NAME: 'genesys-usage-agent',
    });
    for (const [key, value] of Object.entries(env)) expect(value, key).not.toMatch(/simulator|http:\/\//);
    // Scrape path by default: OTLP push stays off until the documented switch.
    expect(env).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(composeService(loadCompose(), 'agent').secrets).toContain('genesys_client_secret');
    // What the agent makes of it: the region's HTTPS hosts.
    const [org] = agentConfigFrom(env, secretFile).orgs;
    expect(org).toMatchObject({
      clientId: 'c0ffee',
      apiBaseUrl: 'https://api.mypurecloud.ie',
      loginBaseUrl: 'https://login.mypurecloud.ie',
    });
  });

  it('real org without .env: the agent refuses to start and names the setting (never the simulator)', () => {
    const { env, secretFile } = agentEnvironment('real');
    expect(env['GENESYS_CLIENT_ID']).toBe('');
    expect(env).not.toHaveProperty('GENESYS_API_BASE_URL');
    expect(env).not.toHaveProperty('GENESYS_LOGIN_BASE_URL');
    expect(() => agentConfigFrom(env, secretFile)).toThrow(ConfigError);
    expect(() => agentConfigFrom(env, secretFile)).toThrow(/GENESYS_(REGION|CLIENT_ID)/);
  });

  it('demo: the agent logs in to the simulator with its public demo credentials', () => {
    const { env, secretFile } = agentEnvironment('demo');
    expect(env).toMatchObject({
      GENESYS_API_BASE_URL: 'http://simulator:8089',
      GENESYS_LOGIN_BASE_URL: 'http://simulator:8089',
      GENESYS_CLIENT_ID: 'simulator-agent',
      GENESYS_CLIENT_SECRET_FILE: '/run/secrets/genesys_client_secret',
    });
    expect(env).not.toHaveProperty('GENESYS_CLIENT_SECRET');
    const [org] = agentConfigFrom(env, secretFile).orgs;
    expect(org).toMatchObject({ apiBaseUrl: 'http://simulator:8089', clientSecret: 'simulator-secret' });
  });

  it('keeps Prometheus defaults it overrides: config file and storage path', () => {
    const command = composeService(loadCompose(), 'prometheus').command;
    expect(command).toEqual(
      expect.arrayContaining([
        '--config.file=/etc/prometheus/prometheus.yml',
        '--storage.tsdb.path=/prometheus',
      ]),
    );
  });

  it('stores state in named volumes and health-checks every image that can run a probe', () => {
    const compose = loadCompose();
    for (const name of ['prometheus', 'alertmanager', 'grafana']) {
      const svc = composeService(compose, name);
      const named = svc.volumes.filter((v) => !v.startsWith('.') && !v.startsWith('/'));
      expect(named.length, `${name} named volume`).toBeGreaterThan(0);
      for (const v of named) expect(compose.volumes, v).toHaveProperty([v.split(':')[0] ?? '']);
      expect(svc.healthcheck, name).toBeDefined();
    }
    expect(composeService(loadCompose('docker-compose.demo.yml'), 'simulator').healthcheck).toBeDefined();
    // FROM scratch: a compose healthcheck there could never run.
    expect(composeService(compose, 'otel-collector').healthcheck).toBeUndefined();
  });

  it('keeps secrets out of the file: webhook URLs come from the environment or mounted files', () => {
    const text = readRepoFile('docker-compose.yml');
    expect(text).not.toMatch(/hooks\.slack\.com|webhook\.office\.com|logic\.azure\.com/);
    const grafana = composeService(loadCompose(), 'grafana').environment ?? {};
    expect(grafana['SLACK_WEBHOOK_URL']).toMatch(/^\$\{SLACK_WEBHOOK_URL/);
    expect(grafana['TEAMS_WEBHOOK_URL']).toMatch(/^\$\{TEAMS_WEBHOOK_URL/);
    expect(composeService(loadCompose(), 'alertmanager').secrets).toContain('slack_webhook_url');
  });
});
