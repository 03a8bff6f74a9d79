/** The shape of `GET /__sim/truth` (docs/simulator.md): what really happened, for tests to compare with. */
import type { Counts } from './traffic.js';

interface TruthTraffic {
  requests: number;
  status429: number;
}

export interface TruthClient {
  id: string;
  name: string;
  deleted: boolean;
  /** One of Genesys' own clients: in the new Usage API only (never listed, hidden by the legacy API). */
  builtin: boolean;
  /** Background tokens (`<clientId>.bg<n>`) and issued tokens that are live or were used in the last 60 s. */
  tokens: { id: string; lastMinute: TruthTraffic }[];
  /** The last complete minute of background traffic plus real requests of the last 60 s. */
  lastMinute: TruthTraffic;
  /** Per UTC day (`YYYY-MM-DD`): completed background minutes and every real request. */
  days: Record<string, Counts>;
  /** The same per endpoint: `templateUri` as the Usage API writes it (no leading slash). */
  endpointDays: Record<string, { templateUri: string; method: string; counts: Counts }[]>;
}

export interface TruthRateLimitRecord {
  namespace: string;
  limitName: string;
  entityId: string;
  /** ISO minute. */
  minute: string;
  count: number;
  max: number;
}

export interface Truth {
  now: string;
  org: { id: string; name: string };
  limit: number;
  clients: TruthClient[];
  rateLimitRecords: TruthRateLimitRecord[];
  /** The latest usage query: when it was answered and up to when data was published then. */
  lastUsageQuery: { at: string; publishedUntil: string } | null;
  operationalEvents: { count: number; byDefinition: Record<string, number> };
}
