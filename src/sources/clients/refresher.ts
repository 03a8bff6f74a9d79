import type { GenesysApi } from '../../genesys/api.js';
import { MapClientDirectory } from '../../model/client-directory.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { describeError, silentLogger, type Logger } from '../../util/logger.js';

/**
 * Keeps an org's client directory filled from `GET /api/v2/oauth/clients`: one call per refresh,
 * on a timer and early (rate-limited) when a source meets an id it cannot name.
 */
export class ClientsRefresher {
  readonly directory: MapClientDirectory;
  /** Ids in the last successful list, or null before the first one. */
  private listed: Set<string> | null = null;
  private lastAttemptMs = -Infinity;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(
    private readonly api: Pick<GenesysApi, 'listOAuthClients'>,
    private readonly opts: { org: string; refreshMs?: number; minGapMs?: number; clock?: Clock; logger?: Logger },
  ) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.directory = new MapClientDirectory(() => void this.refresh(false).catch(() => {}));
  }

  existingIds(): ReadonlySet<string> | null {
    return this.listed;
  }

  start(): void {
    const every = this.opts.refreshMs ?? 15 * 60_000;
    this.timer = setInterval(() => void this.refresh(true).catch(() => {}), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Refreshes now; `force` false means at most once per minGapMs (default 60 s). */
  refresh(force = true): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const now = this.clock.now();
    if (!force && now - this.lastAttemptMs < (this.opts.minGapMs ?? 60_000)) return Promise.resolve();
    this.lastAttemptMs = now;
    this.inFlight = this.api
      .listOAuthClients()
      .then((clients) => {
        this.directory.replace(clients);
        this.listed = new Set(clients.map((c) => c.id));
      })
      .catch((err: unknown) => {
        this.logger.warn({ org: this.opts.org, err: describeError(err) }, 'could not list OAuth clients');
        throw err;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }
}
