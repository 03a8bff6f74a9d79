/**
 * Sharding orgs over replicas, as kube-state-metrics shards objects: every replica reads the same
 * orgs and polls only those rendezvous (highest-random-weight) hashing gives its shard. HRW needs no
 * ring and no state, gives each org to exactly one of n shards, and moves only the orgs the new
 * shard wins (about 1/(n+1) of them) when a replica is added, or only the removed shard's orgs
 * when one goes. Jump consistent hashing moves as few but only when shards are appended or removed
 * at the end; HRW stays minimal for any change and is a few lines over node:crypto.
 */
import { createHash } from 'node:crypto';
import type { Resolved } from './resolve.js';
import type { AgentSettingId } from './settings.js';

export interface Shard {
  index: number;
  total: number;
}

/** This replica's shard: `AGENT_SHARD=i/n`, or i from the pod name's `-<ordinal>` and n from `AGENT_SHARD_TOTAL`; 0/1 when neither. */
export function shardFrom(s: Resolved<AgentSettingId>, orgCount: number): Shard {
  const { shard, shardTotal, podName } = s.values;
  if (shard && shardTotal !== undefined)
    throw s.error(
      'shardTotal',
      (n) => `set either ${n('shard')}=i/n or ${n('shardTotal')} with ${n('podName')}, not both`,
    );
  if (podName !== undefined && shardTotal === undefined)
    throw s.error(
      'podName',
      (n) =>
        `takes the shard from the pod's ordinal only with ${n('shardTotal')}; set ${n('shardTotal')} too`,
    );
  if ((shard || shardTotal !== undefined) && orgCount === 0)
    throw s.error(
      shard ? 'shard' : 'shardTotal',
      'sharding spreads the configured orgs and none are (demo mode); configure orgs or unset it',
    );
  if (shard) return shard;
  if (shardTotal === undefined) return { index: 0, total: 1 };
  if (podName === undefined)
    throw s.error(
      'shardTotal',
      (n) =>
        `needs this replica's ordinal; set ${n('podName')} (a StatefulSet pod name ending in -<ordinal>) or use ${n('shard')}=i/n`,
    );
  const ordinal = /-(\d{1,3})$/.exec(podName)?.[1];
  if (ordinal === undefined)
    throw s.error(
      'podName',
      (n) =>
        `"${podName.slice(0, 63)}" does not end in -<ordinal>; run the agent as a StatefulSet or set ${n('shard')}=i/n`,
    );
  if (Number(ordinal) >= shardTotal)
    throw s.error(
      'podName',
      (n) =>
        `ordinal ${ordinal} is outside 0..${shardTotal - 1}; make ${n('shardTotal')} equal to the StatefulSet's replicas`,
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
