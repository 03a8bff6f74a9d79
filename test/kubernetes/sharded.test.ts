/**
 * The sharded component (deploy/kubernetes/components/sharded), rendered by `kubectl kustomize`
 * over the base as an operator would add it: the single-org agent gives way to a StatefulSet whose
 * every replica takes its shard from its ordinal, reads the shared orgs file, is scraped through
 * a headless Service, and is drained one at a time.
 *
 * @module-tag system
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../../src/config/config.js';
import { KUBERNETES_DIR } from '../../scripts/kubernetes/index.js';
import { MEASURED, shardResources } from '../../scripts/kubernetes/sizing.js';
import { requireBinary } from '../helpers/binaries.js';
import { repoRoot } from '../deployment/deployment-files.js';

type Obj = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [k: string]: unknown;
};
let objects: Obj[] = [];
let dir = '';

const one = (kind: string, name: string) => {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name.startsWith(name));
  expect(found, `${kind} ${name}`).toHaveLength(1);
  return found[0]!;
};
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

const statefulSet = z.object({
  spec: z.object({
    replicas: z.number(),
    serviceName: z.string(),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    template: z.object({
      metadata: z.object({ labels: z.record(z.string(), z.string()) }),
      spec: z.object({
        containers: z.array(
          z.object({
            env: z.array(
              z.object({
                name: z.string(),
                value: z.string().optional(),
                valueFrom: z.object({ fieldRef: z.object({ fieldPath: z.string() }) }).optional(),
              }),
            ),
            envFrom: z.unknown().optional(),
            ports: z.array(z.object({ name: z.string() })),
            resources: z.unknown(),
            volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() })),
          }),
        ),
        volumes: z.array(
          z.looseObject({ name: z.string(), configMap: z.object({ name: z.string() }).optional() }),
        ),
      }),
    }),
  }),
});

beforeAll(async () => {
  const kubectl = requireBinary('kubectl', 'kubernetes-client');
  // As docs/deployment.md says: the component added to (a copy of) the base's kustomization.
  dir = await mkdtemp(join(tmpdir(), 'gua-kustomize-'));
  await cp(join(repoRoot, KUBERNETES_DIR), dir, { recursive: true });
  await appendFile(join(dir, 'kustomization.yaml'), 'components:\n  - components/sharded\n');
  const { stdout } = await promisify(execFile)(kubectl, ['kustomize', dir], { maxBuffer: 16 << 20 });
  objects = parseAllDocuments(stdout).map((d) => d.toJS() as Obj);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('kubectl kustomize with components/sharded', () => {
  it('replaces the single-org agent (and its events endpoint) with the shard StatefulSet', () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).not.toContain('Deployment/genesys-usage-agent');
    expect(names).not.toContain('Service/genesys-usage-agent');
    expect(names).not.toContain('Ingress/genesys-usage-agent-events');
    for (const o of objects)
      if (o.kind !== 'Namespace')
        expect(o.metadata, o.kind).toMatchObject({ namespace: 'genesys-usage-agent' });
  });

  it('gives each replica its shard from its ordinal, n = replicas, and the shared orgs file (the agent accepts it)', async () => {
    const sts = statefulSet.parse(one('StatefulSet', 'genesys-usage-agent-shard'));
    const pod = sts.spec.template.spec;
    const [c] = pod.containers;
    const env = new Map(c!.env.map((e) => [e.name, e]));
    expect(env.get('AGENT_SHARD_TOTAL')?.value).toBe(String(sts.spec.replicas));
    expect(env.get('AGENT_POD_NAME')?.value).toBe('$(POD_NAME)');
    // $(POD_NAME) only expands to an entry defined before it.
    const names = c!.env.map((e) => e.name);
    expect(names.indexOf('POD_NAME')).toBeLessThan(names.indexOf('AGENT_POD_NAME'));
    expect(env.get('POD_NAME')?.valueFrom?.fieldRef.fieldPath).toBe('metadata.name');
    // Orgs from the file only: a GENESYS_* variable beside it would be refused at start-up.
    expect(names.filter((n) => n.startsWith('GENESYS_'))).toEqual([]);
    expect(c!.envFrom).toBeUndefined();

    const file = env.get('AGENT_CONFIG_FILE')!.value!;
    const mount = c!.volumeMounts.find((m) => file.startsWith(`${m.mountPath}/`))!;
    const volume = pod.volumes.find((v) => v.name === mount.name)!;
    const configMap = one('ConfigMap', volume.configMap!.name) as unknown as { data: Record<string, string> };
    const orgsFile = configMap.data[file.slice(mount.mountPath.length + 1)]!;
    const orgs = z
      .object({ orgs: z.array(z.object({ clientSecretFile: z.string() })) })
      .parse(parse(orgsFile));
    const secretMount = c!.volumeMounts.find((m) => m.name === 'genesys-secret')!;
    for (const o of orgs.orgs) expect(o.clientSecretFile.startsWith(`${secretMount.mountPath}/`)).toBe(true);
    // The shipped file, with the pod's variables (and its Secret's keys as files), starts the agent.
    const secrets = join(dir, 'secrets');
    await mkdir(secrets);
    for (const [i, o] of orgs.orgs.entries())
      await writeFile(join(secrets, o.clientSecretFile.slice(secretMount.mountPath.length + 1)), `s${i}`);
    const local = join(dir, 'orgs.yaml');
    await writeFile(local, orgsFile.replaceAll(`${secretMount.mountPath}/`, `${secrets}/`));
    for (let i = 0; i < sts.spec.replicas; i++) {
      const config = loadConfig({
        AGENT_CONFIG_FILE: local,
        AGENT_SHARD_TOTAL: env.get('AGENT_SHARD_TOTAL')!.value!,
        AGENT_POD_NAME: `genesys-usage-agent-shard-${i}`,
      });
      expect(config.shard).toEqual({ index: i, total: sts.spec.replicas });
      expect(config.configuredOrgs).toHaveLength(orgs.orgs.length);
    }
  });

  it('scrapes every replica: headless Service over the pods, selected by the ServiceMonitor on its http port', () => {
    const sts = statefulSet.parse(one('StatefulSet', 'genesys-usage-agent-shard'));
    const svc = one('Service', sts.spec.serviceName) as Obj & {
      spec: { clusterIP: string; selector: Record<string, string>; ports: { name: string }[] };
    };
    expect(svc.spec.clusterIP).toBe('None');
    expect(matches(svc.spec.selector, sts.spec.template.metadata.labels)).toBe(true);
    expect(sts.spec.template.spec.containers[0]!.ports.map((p) => p.name)).toContain('http');
    const monitors = objects.filter((o) => o.kind === 'ServiceMonitor') as (Obj & {
      spec: {
        jobLabel: string;
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string }[];
      };
    })[];
    // Exactly one monitor selects it: two would scrape each shard twice and read as "polled twice".
    const selecting = monitors.filter((m) => matches(m.spec.selector.matchLabels, svc.metadata.labels));
    expect(selecting).toHaveLength(1);
    expect(selecting[0]!.spec.endpoints.map((e) => e.port)).toEqual(svc.spec.ports.map((p) => p.name));
    expect(svc.metadata.labels?.[selecting[0]!.spec.jobLabel]).toBe('genesys-usage-agent');
  });

  it('drains one shard at a time and sizes it from the bench', () => {
    const sts = statefulSet.parse(one('StatefulSet', 'genesys-usage-agent-shard'));
    const pdb = one('PodDisruptionBudget', 'genesys-usage-agent-shard') as Obj & {
      spec: { maxUnavailable: number; selector: { matchLabels: Record<string, string> } };
    };
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(matches(pdb.spec.selector.matchLabels, sts.spec.template.metadata.labels)).toBe(true);
    expect(sts.spec.template.spec.containers[0]!.resources).toEqual(shardResources());
    expect(shardResources().limits.memory).toBe(`${MEASURED.shardLimitMiB}Mi`);
    // The figures the manifests read are the documented measurement (docs/performance.md, "Sharding").
    const perf = readFileSync(join(repoRoot, 'docs/performance.md'), 'utf8');
    const cell = (label: string) =>
      Number(new RegExp(`^\\| ${label}\\s+\\| ([\\d.]+) `, 'm').exec(perf)?.[1]);
    expect(MEASURED.shardLimitMiB).toBe(cell('shard replica memory limit'));
    expect(MEASURED.shardMaxUsageMiB).toBe(cell('shard replica peak cgroup usage'));
    expect(MEASURED.shardMaxUsageMiB).toBeLessThan(MEASURED.shardLimitMiB);
  });
});
