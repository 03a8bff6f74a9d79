/** Access tokens the simulator issued: live ones by value, every one ever issued by public id. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../util/clock.js';

export interface RealToken {
  /** Public id (never the access token itself). */
  id: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
}

export class TokenRegistry {
  /** Live tokens by access-token value. */
  private readonly live = new Map<string, RealToken>();
  /** Every token ever issued by public id (kept after revocation so recent traffic stays attributed). */
  private readonly issued = new Map<string, RealToken>();

  constructor(private readonly clock: Clock) {}

  issue(clientId: string, validitySeconds: number): { accessToken: string; token: RealToken } {
    const now = this.clock.now();
    const accessToken = randomBytes(24).toString('base64url');
    const token: RealToken = {
      id: randomUUID(),
      clientId,
      issuedAt: now,
      expiresAt: now + validitySeconds * 1000,
    };
    this.live.set(accessToken, token);
    this.issued.set(token.id, token);
    return { accessToken, token };
  }

  /** The live token behind a bearer value; `valid` decides whether its client may still use it. */
  authenticate(accessToken: string, valid: (t: RealToken) => boolean): RealToken | undefined {
    const t = this.live.get(accessToken);
    if (!t) return undefined;
    if (t.expiresAt <= this.clock.now() || !valid(t)) {
      this.live.delete(accessToken);
      return undefined;
    }
    return t;
  }

  revokeClient(clientId: string): void {
    for (const [access, t] of this.live) if (t.clientId === clientId) this.live.delete(access);
  }

  revokeAll(): number {
    const n = this.live.size;
    this.live.clear();
    return n;
  }

  /** Every token ever issued, revoked ones included. */
  all(): IterableIterator<RealToken> {
    return this.issued.values();
  }
}
