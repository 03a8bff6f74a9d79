/** Token-minutes past the warning threshold: the source of rate-limit records and operational events. */
import type { SimClient } from './sim-client.js';
import { floorMinute } from './sim-time.js';
import { MINUTE, crossingOffsetMs, tokenRequests, warningThreshold } from './traffic.js';

/** A token passed 90 % of its per-minute limit in one minute. */
export interface HotMinute {
  clientId: string;
  clientName: string;
  tokenId: string;
  /** Epoch minute. */
  minute: number;
  /** When the threshold was passed (epoch ms). */
  at: number;
  /** Requests of the token in that minute (background) or when it passed the threshold (real). */
  requests: number;
  limit: number;
}

export const RATE_LIMIT_EVENT_DEFINITION = {
  id: '5b0b5b6e-2f4a-4f38-9c1e-7a1d3c9e0a01',
  name: 'Rate limit warning: client.credentials.token.rate.per.minute',
  description: 'An OAuth client-credentials token passed 90% of its per-minute request limit (platform.api).',
} as const;

/** Background token-minutes whose threshold crossing happened in [from, to]. */
export function backgroundHotMinutes(
  seed: number,
  clients: Iterable<SimClient>,
  limit: number,
  from: number,
  to: number,
): HotMinute[] {
  const out: HotMinute[] = [];
  const threshold = warningThreshold(limit);
  for (const c of clients) {
    if (!c.model) continue;
    for (let token = 0; token < c.model.tokens; token++) {
      for (let m = floorMinute(from); m <= floorMinute(to); m++) {
        const requests = tokenRequests(seed, c.model, token, m);
        if (requests < threshold) continue;
        const at = m * MINUTE + crossingOffsetMs(requests, threshold);
        if (at < from || at > to) continue;
        out.push({
          clientId: c.id,
          clientName: c.name,
          tokenId: `${c.id}.bg${token}`,
          minute: m,
          at,
          requests,
          limit,
        });
      }
    }
  }
  return out;
}
