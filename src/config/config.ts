/**
 * The agent's configuration: the settings table (settings.ts) read from its value sources
 * (sources.ts), stacked by one precedence rule (resolve.ts), then checked across fields
 * (orgs.ts, checks.ts). docs/configuration.md describes the result for operators.
 */
import { authFrom, gatewayFrom, otlpFrom, tlsFrom } from './checks.js';
import { ORG_IDS, resolveOrgs } from './orgs.js';
import { resolve, type Resolved } from './resolve.js';
import { shardFrom, shardOfOrg, type Shard } from './shard.js';
import { SETTING_IDS, spec, type AgentSettingId } from './settings.js';
import { readConfigFile, readEnv, unknownVariables } from './sources.js';

export type { OrgConfig } from './orgs.js';

const AGENT_IDS = SETTING_IDS.filter((id): id is AgentSettingId => spec(id).scope === 'agent');

/**
 * Builds the agent's configuration from the environment and the optional config file. Throws
 * ConfigError, whose message may quote what the operator wrote: the CLI's say() escapes it.
 */
export function loadConfig(rawEnv: NodeJS.ProcessEnv): AgentConfig {
  const { settings, envOrg, fileOrgs, file } = readSettings(rawEnv);
  const orgs = resolveOrgs(envOrg, fileOrgs, file ?? '', settings.values.callBudget);
  return assemble(settings, orgs, shardFrom(settings, orgs.length), unknownVariables(rawEnv));
}

/** Every setting from its sources by the precedence rule, before the cross-field checks. */
export function readSettings(rawEnv: NodeJS.ProcessEnv) {
  const env = readEnv(rawEnv);
  const file = env.values.configFile as string | undefined;
  const layers = file ? readConfigFile(file) : { agent: { values: {}, names: {} }, orgs: undefined };
  return {
    settings: resolve(AGENT_IDS, [env, layers.agent]),
    // Org settings come from one place: the GENESYS_* variables or the file's orgs (orgs.ts refuses both).
    envOrg: resolve(ORG_IDS, [env]),
    fileOrgs: layers.orgs?.map((layer, i) =>
      resolve(ORG_IDS, [layer], (id) => ({ file, key: spec(id).file!.replace('orgs[]', `orgs[${i}]`) })),
    ),
    file,
  };
}

function assemble(
  s: Resolved<AgentSettingId>,
  configured: ReturnType<typeof resolveOrgs>,
  shard: Shard,
  warnings: string[],
) {
  const v = s.values;
  /** `demo` when no Genesys credentials are configured: the agent runs an embedded simulator. */
  const mode: 'live' | 'demo' = configured.length > 0 ? 'live' : 'demo';
  const gateway = gatewayFrom(s, configured.length);
  // A replica whose shard did not get the org would start no listener, without a word.
  if (gateway && shard.total > 1)
    throw s.error(
      'gatewayPort',
      (n) =>
        `the gateway stays with its one org, which sharding may give another replica; run it in an unsharded agent (unset ${n('shard')} and ${n('shardTotal')})`,
    );
  return {
    mode,
    /** The orgs this replica polls: its shard's share of the configured ones (all of them unsharded). */
    orgs: configured.filter((o) => shardOfOrg(o.name, shard.total) === shard.index),
    /** Every configured org's name, this replica's or not: the coverage rule's expected set. */
    configuredOrgs: configured.map((o) => o.name),
    shard,
    demoScenario: v.demoScenario,
    host: v.host,
    port: v.port,
    writeTimeoutMs: v.writeTimeout,
    maxConcurrentScrapes: v.maxConcurrentScrapes,
    usageIntervalMs: v.usageInterval,
    usageTopEndpoints: v.usageTopEndpoints,
    ratelimitsIntervalMs: v.ratelimitsInterval,
    /** Which polled sources run (limits always runs: the gateway needs it). */
    poll: v.poll,
    gateway,
    tokenLookupsPerMinute: v.tokenLookupsPerMinute,
    maxClients: v.maxClients,
    maxEndpoints: v.maxEndpoints,
    /** Bearer token required on POST /v1/events; null: the endpoint is off (demo mode makes one). */
    eventsToken: v.eventsToken ?? null,
    eventsRateLimitPerMinute: v.eventsRateLimit,
    auth: authFrom(s),
    tls: tlsFrom(s),
    logLevel: v.logLevel,
    otlp: otlpFrom(s),
    resource: { serviceName: v.serviceName, attributes: v.resourceAttributes },
    /** Likely misspellings among the variables (sources.ts), for each command to show. */
    warnings,
  };
}

/** The configuration every command runs on; each setting's meaning is its doc line in settings.ts. */
export type AgentConfig = ReturnType<typeof assemble>;
