/** One OAuth client of the simulated org, as the world keeps it. */
import type { ScenarioClient } from './scenario.js';
import type { TrafficClient } from './traffic.js';

export interface SimClient extends Pick<
  ScenarioClient,
  'id' | 'name' | 'secret' | 'tokens' | 'tokenValiditySeconds' | 'permissions' | 'traffic'
> {
  isAgent: boolean;
  /** One of Genesys' own clients: in the new Usage API only; never listed, cannot log in. */
  builtin?: boolean;
  /** Epoch ms [existsFrom, existsUntil): listed, can log in. */
  existsFrom: number;
  existsUntil: number;
  model: TrafficClient | undefined;
}

/** Ids of Genesys' own clients, as the new Usage API reports them. */
export const BUILTIN_CLIENT_IDS: readonly string[] = ['purecloud', 'purecloud-builtin'];
