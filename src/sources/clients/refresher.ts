import type { GenesysApi } from '../../genesys/api.js';
import { MapClientDirectory } from '../../model/client-directory.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { FailureEpisodes } from '../../util/failure-episodes.js';
import { describeError, silentLogger, type Logger } from '../../util/logger.js';

/** An unknown id asks for the list again at most this often. */
const MIN_GAP_MS = 60_000;

/**
 * Keeps an org's client directory filled from `GET /api/v2/oauth/clients`: one call per refresh.
 * The usage source refreshes it every poll; other sources trigger an early (rate-limited) refresh
 * when they meet an id they cannot name.
 */
export class ClientsRefresher {
  readonly directory: MapClientDirectory;
  /** Ids in the last successful list, or null before the first one. */
  private listed: Set<string> | null = null;
  private lastAttemptMs = -Infinity;
  private inFlight: Promise<void> | null = null;
  /** Warn once per failure episode, then debug until a list succeeds again. */
  private readonly episodes = new FailureEpisodes();
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(
    private readonly api: Pick<GenesysApi, 'listOAuthClients'>,
    private readonly opts: { org: string; clock?: Clock; logger?: Logger },
  ) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.directory = new MapClientDirectory(() => void this.refresh(false).catch(() => {}));
  }

  existingIds(): ReadonlySet<string> | null {
    return this.listed;
  }

  /** Refreshes now; `force` false means at most once per MIN_GAP_MS. */
  refresh(force = true): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const now = this.clock.now();
    if (!force && now - this.lastAttemptMs < MIN_GAP_MS) return Promise.resolve();
    this.lastAttemptMs = now;
    this.inFlight = this.api
      .listOAuthClients()
      .then((clients) => {
        this.directory.replace(clients);
        this.listed = new Set(clients.map((c) => c.id));
        if (this.episodes.succeed())
          this.logger.info({ org: this.opts.org }, 'listing OAuth clients works again');
      })
      .catch((err: unknown) => {
        this.logger[this.episodes.fail()](
          { org: this.opts.org, err: describeError(err) },
          'could not list OAuth clients',
        );
        throw err;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }
}
