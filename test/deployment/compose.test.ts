import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  composeService,
  loadCompose,
  publishesSamePort,
  readRepoFile,
  repoPath,
  repoRoot,
} from './deployment-files.js';

const INSTALL = 'apt-get update && apt-get install -y docker-compose';

function dockerCompose(args: string[]): { status: number; stdout: string; stderr: string } {
  const which = spawnSync('sh', ['-c', 'command -v docker-compose'], { encoding: 'utf8' });
  if (which.status !== 0) throw new Error(`docker-compose (v1.29, Debian package) is missing: ${INSTALL}`);
  // A clean environment: the file's own defaults apply, not whatever the developer exported.
  const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp' },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
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
  it('passes `docker-compose config -q`, with and without the demo profile', () => {
    for (const args of [
      ['config', '-q'],
      ['--profile', 'demo', 'config', '-q'],
    ]) {
      const r = dockerCompose(args);
      expect(r.stderr, `docker-compose ${args.join(' ')}`).toBe('');
      expect(r.status).toBe(0);
    }
  });

  it('mounts only files and directories that exist (bind mounts, secrets, build context)', () => {
    const r = dockerCompose(['--profile', 'demo', 'config']);
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

  it('publishes the documented ports (docs/deployment.md)', () => {
    const compose = loadCompose();
    expect(Object.keys(compose.services).sort()).toEqual(Object.keys(PORTS).sort());
    for (const [name, ports] of Object.entries(PORTS)) {
      const svc = composeService(compose, name);
      for (const port of ports) expect(publishesSamePort(svc, port), `${name} ${port}`).toBe(true);
    }
  });

  it('pins every image tag and builds the agent and simulator from the repo Dockerfile', () => {
    const compose = loadCompose();
    for (const [name, svc] of Object.entries(compose.services)) {
      if (svc.build !== undefined) {
        expect(svc.build, name).toEqual({ context: '.', dockerfile: 'Dockerfile' });
        continue;
      }
      expect(svc.image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
    expect(composeService(compose, 'agent').build).toBeDefined();
    expect(composeService(compose, 'simulator').build).toBeDefined();
  });

  it('runs the simulator only under the demo profile, from the agent image', () => {
    const compose = loadCompose();
    const simulator = composeService(compose, 'simulator');
    expect(simulator.profiles).toEqual(['demo']);
    expect(simulator.image).toBe(composeService(compose, 'agent').image);
    expect(simulator.command).toEqual([
      'simulate',
      '--host',
      '0.0.0.0',
      '--port',
      '8089',
      '--scenario',
      'demo',
    ]);
    // Nothing outside the profile may depend on it, or a plain `up` would fail.
    for (const [name, svc] of Object.entries(compose.services)) {
      if (name !== 'simulator') expect(JSON.stringify(svc.depends_on ?? []), name).not.toContain('simulator');
    }
  });

  it('points the agent at the simulator by default, with its secret from a file', () => {
    const agent = composeService(loadCompose(), 'agent');
    const r = dockerCompose(['config']);
    const env = z
      .object({ services: z.object({ agent: z.object({ environment: z.record(z.string(), z.string()) }) }) })
      .parse(parse(r.stdout)).services.agent.environment;
    expect(env).toMatchObject({
      GENESYS_API_BASE_URL: 'http://simulator:8089',
      GENESYS_LOGIN_BASE_URL: 'http://simulator:8089',
      GENESYS_CLIENT_ID: 'simulator-agent',
      GENESYS_CLIENT_SECRET_FILE: '/run/secrets/genesys_client_secret',
      AGENT_PORT: '9464',
      AGENT_GATEWAY_PORT: '8080',
    });
    expect(env).not.toHaveProperty('GENESYS_CLIENT_SECRET');
    expect(agent.secrets).toContain('genesys_client_secret');
    // Scrape path by default: OTLP push stays off until the documented switch.
    expect(env).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT');
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
    expect(composeService(compose, 'simulator').healthcheck).toBeDefined();
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
