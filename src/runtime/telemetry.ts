import { randomUUID } from 'node:crypto';
import type { AgentConfig } from '../config/config.js';
import { sourceFamilies } from '../sources/registry.js';
import { catalogue } from '../telemetry/catalogue.js';
import type { MetricFamily } from '../telemetry/families.js';
import { otlpPush, Telemetry } from '../telemetry/telemetry.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { agentVersion } from '../util/version.js';
import type { OrgRuntime } from './org.js';

/** The agent's telemetry pipeline (Prometheus reader, OTLP when configured) over every org's families. */
export async function agentTelemetry(
  config: AgentConfig,
  runtimes: OrgRuntime[],
  clock: Clock,
  /** Where OTLP export failures are reported, once per episode. */
  logger?: Logger,
): Promise<Telemetry> {
  return new Telemetry({
    serviceName: config.resource.serviceName,
    serviceVersion: agentVersion(),
    instanceId: randomUUID(),
    resourceAttributes: config.resource.attributes,
    otlp: await otlpPush(config.otlp),
    families: (nowMs) => [...agentFamilies(runtimes, nowMs), ...shardFamilies(config, runtimes)],
    now: () => clock.now(),
    logger,
  });
}

/** Every family the agent exports (one per org and name; Telemetry merges them): the Genesys clients' own calls, every source (with its health), build info. */
export function agentFamilies(runtimes: OrgRuntime[], nowMs: number): MetricFamily[] {
  return [
    ...runtimes.flatMap((r) => r.api.collect(nowMs)),
    ...sourceFamilies(
      runtimes.flatMap((r) => r.all),
      nowMs,
    ),
    catalogue.agentBuildInfo.family([{ attributes: { version: agentVersion() }, value: 1 }]),
  ];
}

/** Which shard this replica is, the orgs it polls, and every configured org: Prometheus checks coverage. */
function shardFamilies(config: AgentConfig, runtimes: OrgRuntime[]): MetricFamily[] {
  const shard = String(config.shard.index);
  const names = runtimes.map((r) => r.config.name);
  // In demo mode the configuration has no orgs: the demo org is the whole.
  const configured = config.mode === 'demo' ? names : config.configuredOrgs;
  const polls = config.poll.usage || config.poll.ratelimits;
  return [
    catalogue.agentShardInfo.family([
      { attributes: { shard, shards: String(config.shard.total) }, value: 1 },
    ]),
    catalogue.agentOrgConfigured.family(configured.map((org) => ({ attributes: { org }, value: 1 }))),
    catalogue.agentOrgOwned.family(
      polls ? names.map((org) => ({ attributes: { org, shard }, value: 1 })) : [],
    ),
  ];
}
