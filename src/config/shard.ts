/**
 * Sharding orgs over replicas, as kube-state-metrics shards objects: every replica reads the same
 * orgs and polls only those rendezvous (highest-random-weight) hashing gives its shard. HRW needs no
 * ring and no state, gives each org to exactly one of n shards, and moves only the orgs the new
 * shard wins (about 1/(n+1) of them) when a replica is added, or only the removed shard's orgs
 * when one goes. Jump consistent hashing moves as few but only when shards are appended or removed
 * at the end; HRW stays minimal for any change and is a few lines over node:crypto.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from './errors.js';
import type { Resolved } from './resolve.js';
import type { AgentSettingId } from './settings.js';

export interface Shard {
  index: number;
  total: number;
}

/** This replica's shard: `AGENT_SHARD=i/n`, or i from the pod name's `-<ordinal>` and n from `AGENT_SHARD_TOTAL`; 0/1 when neither. */
export function shardFrom(s: Resolved<AgentSettingId>, orgCount: number): Shard {
  const { shard, shardTotal, podName } = s.values;
  const [i, n, pod] = [s.name('shard'), s.name('shardTotal'), s.name('podName')];
  if (shard && shardTotal !== undefined)
    throw new ConfigError(`${n}: set either ${i}=i/n or ${n} with ${pod}, not both`);
  if (podName !== undefined && shardTotal === undefined)
    throw new ConfigError(`${pod}: takes the shard from the pod's ordinal only with ${n}; set ${n} too`);
  if ((shard || shardTotal !== undefined) && orgCount === 0)
    throw new ConfigError(
      `${shard ? i : n}: sharding spreads the configured orgs and none are (demo mode); configure orgs or unset it`,
    );
  if (shard) return shard;
  if (shardTotal === undefined) return { index: 0, total: 1 };
  if (podName === undefined)
    throw new ConfigError(
      `${n}: needs this replica's ordinal; set ${pod} (a StatefulSet pod name ending in -<ordinal>) or use ${i}=i/n`,
    );
  const ordinal = /-(\d{1,3})$/.exec(podName)?.[1];
  if (ordinal === undefined)
    throw new ConfigError(
      `${pod}: "${podName.slice(0, 63)}" does not end in -<ordinal>; run the agent as a StatefulSet or set ${i}=i/n`,
    );
  if (Number(ordinal) >= shardTotal)
    throw new ConfigError(
      `${pod}: ordinal ${ordinal} is outside 0..${shardTotal - 1}; make ${n} equal to the StatefulSet's replicas`,
    );
  return { index: Number(ordinal), total: shardTotal };
}

/** The shard that polls an org: the highest weight of hash(shard, org name) over the n shards. */
export function shardOfOrg(org: string, total: number): number {
  let best = 0;
  let bestWeight = -1n;
  for (let i = 0; i < total; i++) {
    const weight = createHash('sha256').update(`${i}\0${org}`).digest().readBigUInt64BE(0);
    if (weight > bestWeight) [best, bestWeight] = [i, weight];
  }
  return best;
}
