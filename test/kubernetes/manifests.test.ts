/**
 * deploy/kubernetes/ is generated (scripts/kubernetes/): the committed files are exactly what the
 * generator renders, every object passes its Kubernetes / Prometheus Operator schema, and the
 * manifests keep the promises docs/deployment.md makes about them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { KUBERNETES_DIR, readRuleFiles, renderKubernetes } from '../../scripts/kubernetes/index.js';
import { agentDeployment } from '../../scripts/kubernetes/manifests.js';
import { agentResources, IMAGE_USER, MEASURED } from '../../scripts/kubernetes/sizing.js';
import { readRepoFile, repoRoot } from '../deployment/deployment-files.js';

const DIR = join(repoRoot, KUBERNETES_DIR);

function committedFiles(dir = DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? committedFiles(path) : [relative(DIR, path)];
  });
}

const docs = (file: string): Record<string, unknown>[] =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

const all = () =>
  committedFiles()
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => docs(f));
const byKind = (kind: string, name: string) => {
  const found = all().find((o) => o['kind'] === kind && (o['metadata'] as { name: string }).name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${KUBERNETES_DIR}`);
  return found;
};

const container = z.object({
  name: z.string(),
  env: z.array(z.object({ name: z.string(), value: z.string().optional() })).default([]),
  resources: z.object({
    requests: z.object({ cpu: z.string(), memory: z.string() }),
    limits: z.object({ memory: z.string() }).catchall(z.string()),
  }),
  securityContext: z.object({
    allowPrivilegeEscalation: z.literal(false),
    readOnlyRootFilesystem: z.literal(true),
    capabilities: z.object({ drop: z.array(z.string()) }),
    seccompProfile: z.object({ type: z.literal('RuntimeDefault') }),
  }),
  livenessProbe: z.object({ httpGet: z.object({ path: z.string() }).optional() }).passthrough(),
  readinessProbe: z.object({ httpGet: z.object({ path: z.string() }) }).optional(),
});
const deployment = z.object({
  spec: z.object({
    replicas: z.number(),
    strategy: z.object({ type: z.string() }).optional(),
    template: z.object({
      spec: z.object({
        securityContext: z.object({
          runAsNonRoot: z.literal(true),
          runAsUser: z.number().int(),
          runAsGroup: z.number().int(),
          seccompProfile: z.object({ type: z.literal('RuntimeDefault') }),
        }),
        containers: z.array(container),
        volumes: z.array(
          z.object({ name: z.string(), secret: z.object({ secretName: z.string() }).optional() }),
        ),
      }),
    }),
  }),
});

const mebibytes = (q: string): number => {
  const m = /^(\d+)Mi$/.exec(q);
  if (!m?.[1]) throw new Error(`memory ${q} is not in Mi`);
  return Number(m[1]);
};
const envOf = (c: z.infer<typeof container>) => new Map(c.env.map((e) => [e.name, e.value]));

describe('deploy/kubernetes (generated)', () => {
  it('matches the generator output file for file (run `npm run generate` after editing scripts/kubernetes)', async () => {
    const generated = await renderKubernetes(repoRoot);
    expect(committedFiles().sort()).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) expect(readFileSync(join(DIR, file), 'utf8'), file).toBe(text);
  });

  it('validates objects against the Kubernetes schema, so a broken manifest cannot be generated', () => {
    const good = agentDeployment();
    expect(() => good.validate()).not.toThrow();
    const bad = new Deployment(
      JSON.parse(JSON.stringify(good)) as ConstructorParameters<typeof Deployment>[0],
    );
    (bad.spec!.template.spec!.containers[0]! as { ports: unknown }).ports = [{ containerPort: 'http' }];
    expect(() => bad.validate()).toThrow(/containerPort/);
  });

  it('ships the PrometheusRule with exactly the groups of prometheus/rules/*.yml', async () => {
    const rule = byKind('PrometheusRule', 'genesys-usage-agent') as { spec: { groups: unknown[] } };
    const files = await readRuleFiles(repoRoot);
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(rule.spec.groups).toEqual(files.flatMap((f) => f.rules.groups));
  });

  it('runs the agent as the Dockerfile’s numeric user, hardened, probed on /healthz and /readyz', () => {
    const user = /^USER\s+(\S+)\s*$/m.exec(readRepoFile('Dockerfile'))?.[1];
    expect(user).toBe(`${IMAGE_USER.uid}:${IMAGE_USER.gid}`);
    for (const name of ['genesys-usage-agent', 'genesys-usage-agent-gateway']) {
      const d = deployment.parse(byKind('Deployment', name));
      const pod = d.spec.template.spec;
      expect(pod.securityContext.runAsUser, name).toBe(IMAGE_USER.uid);
      expect(pod.securityContext.runAsGroup, name).toBe(IMAGE_USER.gid);
      for (const c of pod.containers) {
        expect(c.securityContext.capabilities.drop, name).toEqual(['ALL']);
        expect(c.livenessProbe.httpGet?.path, name).toBe('/healthz');
        expect(c.readinessProbe?.httpGet.path, name).toBe('/readyz');
      }
    }
    const agent = deployment.parse(byKind('Deployment', 'genesys-usage-agent'));
    // One poller per org, even during a rollout.
    expect(agent.spec.replicas).toBe(1);
    expect(agent.spec.strategy?.type).toBe('Recreate');
  });

  it('sizes memory from the benchmark: the limit it was measured to fit, request ≥ its peak usage; no CPU limit', () => {
    const perf = readRepoFile('docs/performance.md');
    const cell = (label: string) => {
      const m = new RegExp(`^\\| ${label}\\s+\\| ([\\d.]+) `, 'm').exec(perf);
      expect(m, `docs/performance.md sizing row "${label}"`).not.toBeNull();
      return Number(m![1]);
    };
    // The one place the manifests read figures from must carry the documented measurement.
    expect(MEASURED.fitsLimitMiB).toBe(cell('smallest memory limit that fits'));
    expect(MEASURED.maxUsageMiB).toBe(cell('peak cgroup usage in that limit'));
    expect(MEASURED.gatewayCoresPer1000Rps).toBe(cell('CPU per 1 000 req/s through the gateway'));
    for (const name of ['genesys-usage-agent', 'genesys-usage-agent-gateway']) {
      for (const c of deployment.parse(byKind('Deployment', name)).spec.template.spec.containers) {
        expect(c.resources).toEqual(agentResources());
        expect(mebibytes(c.resources.requests.memory)).toBeGreaterThanOrEqual(MEASURED.maxUsageMiB);
        expect(mebibytes(c.resources.limits.memory)).toBe(MEASURED.fitsLimitMiB);
        expect(c.resources.limits).not.toHaveProperty('cpu');
      }
    }
  });

  it('references the Secret by name and ships no secret value', () => {
    expect(all().filter((o) => o['kind'] === 'Secret')).toEqual([]);
    const pod = deployment.parse(byKind('Deployment', 'genesys-usage-agent')).spec.template.spec;
    expect(pod.volumes.find((v) => v.secret)?.secret?.secretName).toBe('genesys-usage-agent');
    const env = envOf(pod.containers[0]!);
    expect(env.get('GENESYS_CLIENT_SECRET_FILE')).toMatch(/^\/run\/secrets\/genesys-usage-agent\//);
    expect(env.has('GENESYS_CLIENT_SECRET')).toBe(false);
    expect(readFileSync(join(DIR, 'agent.env'), 'utf8')).not.toMatch(/SECRET=|TOKEN=/);
  });

  it('publishes only POST /v1/events over HTTPS, and the gateway with Authorization hashing', () => {
    const events = byKind('Ingress', 'genesys-usage-agent-events') as {
      spec: {
        tls: { secretName: string }[];
        rules: { http: { paths: { path: string; pathType: string }[] } }[];
      };
    };
    expect(events.spec.tls[0]?.secretName).toBeTruthy();
    expect(events.spec.rules.flatMap((r) => r.http.paths)).toEqual([
      expect.objectContaining({ path: '/v1/events', pathType: 'Exact' }),
    ]);
    const gw = byKind('Ingress', 'genesys-usage-agent-gateway') as {
      metadata: { annotations: Record<string, string> };
      spec: { tls: unknown[] };
    };
    expect(gw.metadata.annotations['nginx.ingress.kubernetes.io/upstream-hash-by']).toBe(
      '$http_authorization',
    );
    expect(gw.spec.tls.length).toBe(1);
    const replicas = deployment.parse(byKind('Deployment', 'genesys-usage-agent-gateway'));
    const env = envOf(replicas.spec.template.spec.containers[0]!);
    // Gateway replicas must not poll: the org's usage series come from the agent Deployment only.
    expect(env.get('AGENT_POLL')).toBe('none');
    expect(env.get('AGENT_GATEWAY_PORT')).toBe('8080');
  });

  it('scrapes agent and gateway as job "genesys-usage-agent", the job the alert rules use', () => {
    const rules = readRepoFile('prometheus/rules/genesys-alerts.yml');
    expect(rules).toContain('up{job="genesys-usage-agent"}');
    const sm = byKind('ServiceMonitor', 'genesys-usage-agent') as {
      spec: { jobLabel: string; selector: { matchLabels: Record<string, string> } };
    };
    for (const name of ['genesys-usage-agent', 'genesys-usage-agent-gateway']) {
      const svc = byKind('Service', name) as { metadata: { labels: Record<string, string> } };
      expect(svc.metadata.labels[sm.spec.jobLabel], name).toBe('genesys-usage-agent');
      expect(svc.metadata.labels).toMatchObject(sm.spec.selector.matchLabels);
    }
  });

  it('has a kustomization listing every manifest (the gateway as a component) and a sidecar example', () => {
    const kustomization = z
      .object({
        resources: z.array(z.string()),
        configMapGenerator: z.array(z.object({ envs: z.array(z.string()) })),
      })
      .parse(docs('kustomization.yaml')[0]);
    const componentSchema = z.object({
      kind: z.literal('Component'),
      resources: z.array(z.string()),
      configMapGenerator: z.array(z.object({ files: z.array(z.string()) })).default([]),
    });
    const listed = [...kustomization.resources];
    for (const name of ['gateway', 'sharded']) {
      const component = componentSchema.parse(docs(`components/${name}/kustomization.yaml`)[0]);
      const files = [...component.resources, ...component.configMapGenerator.flatMap((g) => g.files)];
      listed.push(...files.map((r) => `components/${name}/${r}`));
    }
    const manifests = committedFiles().filter(
      (f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml') && !f.startsWith('examples/'),
    );
    expect(listed.sort()).toEqual(manifests.sort());
    for (const env of kustomization.configMapGenerator.flatMap((g) => g.envs))
      expect(existsSync(join(DIR, env))).toBe(true);
    expect(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')).toContain('components/gateway');
    expect(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')).toContain('components/sharded');
    const sidecar = z
      .object({
        spec: z.object({ template: z.object({ spec: z.object({ containers: z.array(z.unknown()) }) }) }),
      })
      .parse(docs('examples/integration-with-gateway-sidecar.yaml')[0]);
    const [integration, gateway] = sidecar.spec.template.spec.containers;
    expect(z.object({ name: z.literal('integration') }).safeParse(integration).success).toBe(true);
    const env = envOf(container.parse(gateway));
    expect(env.get('AGENT_POLL')).toBe('none');
    expect(env.get('AGENT_GATEWAY_PORT')).toBe('8080');
  });

  it('docs/deployment.md points at the generated files instead of embedding YAML, and cites the sizing', () => {
    const doc = readRepoFile('docs/deployment.md');
    const section = doc.slice(doc.indexOf('## 3. Kubernetes'), doc.indexOf('## 4.'));
    expect(section).toContain('kubectl apply -k deploy/kubernetes');
    expect(doc).not.toMatch(/```yaml[^`]*kind: (Deployment|Service|Secret)\b/);
    const listed = [...section.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThanOrEqual(10);
    for (const file of listed) expect(existsSync(join(DIR, file)), file).toBe(true);
    const r = agentResources();
    for (const figure of [r.requests.memory, r.limits.memory, r.requests.cpu])
      expect(section).toContain(figure);
    expect(section).toContain('scripts/kubernetes/sizing.ts');
  });
});
