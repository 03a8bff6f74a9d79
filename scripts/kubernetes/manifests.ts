/**
 * The Kubernetes objects of deploy/kubernetes/, built with kubernetes-models so each is checked
 * against the Kubernetes (and Prometheus Operator) JSON schemas when it is generated. Names and
 * ports follow the compose file and docs/deployment.md; resources come from ./sizing.ts.
 */
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  Service,
  type IContainer,
  type IEnvVar,
  type IPodSecurityContext,
  type IPodSpec,
  type ISecurityContext,
} from 'kubernetes-models/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { Model } from '@kubernetes-models/base';
import { agentResources, IMAGE_USER, shardResources } from './sizing.js';

export const NAME = 'genesys-usage-agent';
/** The image reference the manifests use; kustomization.yaml's `images:` maps it to a registry. */
export const IMAGE = 'genesys-usage-agent';
const PORTS = { http: 9464, gateway: 8080 } as const;
/** The Secret the operator creates (docs/deployment.md); the manifests only reference it. */
const SECRET = { name: NAME, clientSecretKey: 'client-secret', eventsTokenKey: 'events-token' };
/** The non-secret settings, from kustomization.yaml's configMapGenerator (agent.env). */
export const ENV_CONFIGMAP = `${NAME}-env`;
const SECRET_DIR = '/run/secrets/genesys-usage-agent';

type Component = 'agent' | 'gateway' | 'shard';
const selector = (component: Component) => ({
  'app.kubernetes.io/name': NAME,
  'app.kubernetes.io/component': component,
});
const labels = (component: Component) => ({ ...selector(component), 'app.kubernetes.io/part-of': NAME });

/** Pod-level hardening: the kubelet verifies non-root only for a numeric user (Dockerfile USER). */
const podSecurity: IPodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: IMAGE_USER.uid,
  runAsGroup: IMAGE_USER.gid,
  fsGroup: IMAGE_USER.gid,
  seccompProfile: { type: 'RuntimeDefault' },
};

const containerSecurity: ISecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const secretVolume = {
  name: 'genesys-secret',
  secret: { secretName: SECRET.name, defaultMode: 0o440 },
};
/** Read-only root filesystem: Node may still want a scratch /tmp. */
const tmpVolume = { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } };

const podEnv = (extra: IEnvVar[]): IEnvVar[] => [
  { name: 'GENESYS_CLIENT_SECRET_FILE', value: `${SECRET_DIR}/${SECRET.clientSecretKey}` },
  { name: 'AGENT_HOST', value: '0.0.0.0' },
  { name: 'AGENT_PORT', value: String(PORTS.http) },
  // $(VAR) only sees entries defined before it.
  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  {
    name: 'OTEL_RESOURCE_ATTRIBUTES',
    value: 'k8s.namespace.name=$(POD_NAMESPACE),k8s.pod.name=$(POD_NAME),service.instance.id=$(POD_NAME)',
  },
  ...extra,
];

/** The agent container; `gateway` adds the gateway port and runs no pollers when it is a replica. */
function agentContainer(opts: { gateway: boolean; pollers: boolean; extraEnv?: IEnvVar[] }): IContainer {
  const env = podEnv([
    ...(opts.gateway ? [{ name: 'AGENT_GATEWAY_PORT', value: String(PORTS.gateway) }] : []),
    ...(opts.pollers ? [] : [{ name: 'AGENT_POLL', value: 'none' }]),
    ...(opts.extraEnv ?? []),
  ]);
  return {
    name: opts.pollers ? 'agent' : 'gateway',
    image: IMAGE,
    imagePullPolicy: 'IfNotPresent',
    args: ['run'],
    envFrom: [{ configMapRef: { name: ENV_CONFIGMAP } }],
    env,
    ports: [
      { name: 'http', containerPort: PORTS.http, protocol: 'TCP' },
      ...(opts.gateway ? [{ name: 'gateway', containerPort: PORTS.gateway, protocol: 'TCP' as const }] : []),
    ],
    // /healthz: the process answers. /readyz: every enabled source has succeeded once (503 before).
    startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 30 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 20, timeoutSeconds: 5 },
    readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5 },
    resources: agentResources(),
    securityContext: containerSecurity,
    volumeMounts: [
      { name: secretVolume.name, mountPath: SECRET_DIR, readOnly: true },
      { name: tmpVolume.name, mountPath: '/tmp' },
    ],
  };
}

const podSpec = (containers: IContainer[]): IPodSpec => ({
  automountServiceAccountToken: false,
  enableServiceLinks: false,
  securityContext: podSecurity,
  terminationGracePeriodSeconds: 30,
  containers,
  volumes: [secretVolume, tmpVolume],
});

/** One agent per org with the pollers: exactly one replica, never two during a rollout either. */
export function agentDeployment(): Deployment {
  return new Deployment({
    metadata: { name: NAME, labels: labels('agent') },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selector('agent') },
      template: {
        metadata: { labels: labels('agent') },
        spec: podSpec([
          agentContainer({
            gateway: false,
            pollers: true,
            extraEnv: [
              // POST /v1/events (EventBridge API destination) is on only with a token.
              {
                name: 'AGENT_EVENTS_TOKEN_FILE',
                value: `${SECRET_DIR}/${SECRET.eventsTokenKey}`,
              },
            ],
          }),
        ]),
      },
    },
  });
}

/** Replicas of the sharded StatefulSet (components/sharded); AGENT_SHARD_TOTAL says the same. */
const SHARDS = 3;
const ORGS_DIR = '/etc/genesys-usage-agent';
/** The shared orgs file every shard reads, from the component's configMapGenerator. */
export const ORGS_CONFIGMAP = `${NAME}-orgs`;

/**
 * Sharded pollers (issue 28): each pod reads the same orgs file and polls the orgs rendezvous
 * hashing gives its ordinal (`-0`, `-1`, …), as kube-state-metrics' automated sharding does. The
 * orgs come from the file only: the GENESYS_* variables of agent.env would be refused beside it.
 */
export function shardStatefulSet(): StatefulSet {
  const { envFrom: _agentEnv, ...base } = agentContainer({ gateway: false, pollers: true });
  const container: IContainer = {
    ...base,
    env: [
      ...base.env!.filter((e) => !e.name.startsWith('GENESYS_')),
      { name: 'AGENT_CONFIG_FILE', value: `${ORGS_DIR}/orgs.yaml` },
      { name: 'AGENT_SHARD_TOTAL', value: String(SHARDS) },
      { name: 'AGENT_POD_NAME', value: '$(POD_NAME)' },
    ],
    resources: shardResources(),
    volumeMounts: [...base.volumeMounts!, { name: 'orgs', mountPath: ORGS_DIR, readOnly: true }],
  };
  const pod = podSpec([container]);
  return new StatefulSet({
    metadata: { name: `${NAME}-shard`, labels: labels('shard') },
    spec: {
      serviceName: `${NAME}-shard`,
      replicas: SHARDS,
      // No shard waits for another to be ready: they own different orgs.
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selector('shard') },
      template: {
        metadata: { labels: labels('shard') },
        spec: { ...pod, volumes: [...pod.volumes!, { name: 'orgs', configMap: { name: ORGS_CONFIGMAP } }] },
      },
    },
  });
}

/** Headless: a stable name per shard pod; the ServiceMonitor scrapes each of its endpoints (every replica). */
export function shardService(): Service {
  return new Service({
    metadata: { name: `${NAME}-shard`, labels: labels('shard') },
    spec: {
      clusterIP: 'None',
      selector: selector('shard'),
      ports: [{ name: 'http', port: PORTS.http, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}

/** A drain takes one shard at a time: its orgs go unpolled for a restart, under the coverage alert's 10 minutes. */
export function shardDisruptionBudget(): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: `${NAME}-shard`, labels: labels('shard') },
    spec: { maxUnavailable: 1, selector: { matchLabels: selector('shard') } },
  });
}

/**
 * Gateway replicas: no pollers (AGENT_POLL=none), so usage and rate-limit series come from the
 * agent Deployment alone. One token must always reach the same replica: see gatewayIngress().
 */
export function gatewayDeployment(): Deployment {
  return new Deployment({
    metadata: { name: `${NAME}-gateway`, labels: labels('gateway') },
    spec: {
      replicas: 2,
      selector: { matchLabels: selector('gateway') },
      template: {
        metadata: { labels: labels('gateway') },
        spec: podSpec([agentContainer({ gateway: true, pollers: false })]),
      },
    },
  });
}

export function agentService(): Service {
  return new Service({
    metadata: { name: NAME, labels: labels('agent') },
    spec: {
      selector: selector('agent'),
      ports: [{ name: 'http', port: PORTS.http, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}

/**
 * In-cluster callers reach the gateway through this Service. kube-proxy balances connections, not
 * requests, so `ClientIP` affinity keeps each calling pod (and so each of its tokens) on one
 * replica; callers from outside come through gatewayIngress(), which hashes on Authorization.
 */
export function gatewayService(): Service {
  return new Service({
    metadata: { name: `${NAME}-gateway`, labels: labels('gateway') },
    spec: {
      selector: selector('gateway'),
      sessionAffinity: 'ClientIP',
      ports: [
        { name: 'gateway', port: PORTS.gateway, targetPort: 'gateway', protocol: 'TCP' },
        { name: 'http', port: PORTS.http, targetPort: 'http', protocol: 'TCP' },
      ],
    },
  });
}

/**
 * Scrapes the agent and the gateway replicas. jobLabel makes `job` = app.kubernetes.io/name =
 * "genesys-usage-agent" for both, the job the alert rules expect (prometheus/rules/).
 */
export function serviceMonitor(): ServiceMonitor {
  return new ServiceMonitor({
    metadata: { name: NAME, labels: { 'app.kubernetes.io/part-of': NAME } },
    spec: {
      jobLabel: 'app.kubernetes.io/name',
      selector: { matchLabels: { 'app.kubernetes.io/part-of': NAME } },
      endpoints: [{ port: 'http', path: '/metrics', interval: '15s', scrapeTimeout: '10s' }],
    },
  });
}

/** A parsed rule file (prometheus/rules/*.yml): its groups go into the PrometheusRule unchanged. */
export interface RuleFile {
  groups: { name: string; interval?: string; rules: Record<string, unknown>[] }[];
}

export function prometheusRule(files: RuleFile[]): PrometheusRule {
  return new PrometheusRule({
    metadata: { name: NAME, labels: { 'app.kubernetes.io/part-of': NAME } },
    spec: { groups: files.flatMap((f) => f.groups) as never },
  });
}

/**
 * EventBridge's API destination posts over HTTPS to POST /v1/events only; nothing else of the agent
 * is published. TLS ends at the ingress controller with the certificate in the named Secret.
 */
export function eventsIngress(): Ingress {
  return new Ingress({
    metadata: { name: `${NAME}-events`, labels: labels('agent') },
    spec: {
      tls: [{ secretName: `${NAME}-events-tls` }],
      rules: [
        {
          http: {
            paths: [
              {
                path: '/v1/events',
                pathType: 'Exact',
                backend: { service: { name: NAME, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  });
}

/**
 * Integrations outside the cluster reach the gateway over HTTPS. ingress-nginx's upstream-hash-by
 * sends every request with one Authorization header (one token) to the same replica, so per-token
 * rates and shaping are exact (docs/deployment.md "Gateway replicas").
 */
export function gatewayIngress(): Ingress {
  return new Ingress({
    metadata: {
      name: `${NAME}-gateway`,
      labels: labels('gateway'),
      annotations: {
        'nginx.ingress.kubernetes.io/upstream-hash-by': '$http_authorization',
        'nginx.ingress.kubernetes.io/proxy-body-size': '16m',
      },
    },
    spec: {
      tls: [{ secretName: `${NAME}-gateway-tls` }],
      rules: [
        {
          http: {
            paths: ['/oauth/token', '/api/v2', '/login', '/api'].map((path) => ({
              path,
              pathType: 'Prefix' as const,
              backend: { service: { name: `${NAME}-gateway`, port: { name: 'gateway' } } },
            })),
          },
        },
      ],
    },
  });
}

/**
 * Only what the agent needs: in, its ports (any namespace may scrape or post; tighten `from` to your
 * Prometheus and ingress-controller namespaces); out, DNS and HTTPS to Genesys Cloud (public
 * addresses that change, hence no IP block).
 */
export function networkPolicy(): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name: NAME, labels: { 'app.kubernetes.io/part-of': NAME } },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          ports: [
            { port: PORTS.http, protocol: 'TCP' },
            { port: PORTS.gateway, protocol: 'TCP' },
          ],
        },
      ],
      egress: [
        {
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        },
        { ports: [{ port: 443, protocol: 'TCP' }] },
      ],
    },
  });
}

/**
 * The gateway as a sidecar of an integration's own pod: the integration calls
 * http://127.0.0.1:8080 (its SDK's setGateway), so secrets and tokens never leave the pod and
 * every token of this integration goes through one gateway. An example, not part of the kustomization.
 */
export function sidecarExample(): Deployment {
  // Also on 0.0.0.0, so Prometheus can scrape the sidecar's gateway metrics on the pod IP.
  const sidecar = agentContainer({ gateway: true, pollers: false });
  // Your integration's code hands these to its SDK's setGateway(); the names are this example's.
  const integration: IContainer = {
    name: 'integration',
    image: 'your-integration:1.0.0',
    env: [
      { name: 'GENESYS_GATEWAY_HOST', value: '127.0.0.1' },
      { name: 'GENESYS_GATEWAY_PORT', value: String(PORTS.gateway) },
      { name: 'GENESYS_GATEWAY_PROTOCOL', value: 'http' },
    ],
    securityContext: containerSecurity,
  };
  return new Deployment({
    metadata: { name: 'wfm-sync', labels: { app: 'wfm-sync' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'wfm-sync' } },
      template: {
        metadata: { labels: { app: 'wfm-sync' } },
        spec: { ...podSpec([integration, sidecar]) },
      },
    },
  });
}

/** Every object, validated: a schema violation fails generation (and the drift test). */
export function validated<T extends Model<unknown>>(model: T): T {
  model.validate();
  return model;
}
