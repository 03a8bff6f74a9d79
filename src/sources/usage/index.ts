import { EndpointUnavailableError, type GenesysApi, type UsageRow } from '../../genesys/api.js';
import { summariseUsage, usageQueryInterval, type UsageSummary } from '../../model/usage.js';
import type { MetricFamily } from '../../telemetry/families.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { silentLogger, type Logger } from '../../util/logger.js';
import { PolledSource, type PollSchedule } from '../polled-source.js';
import type { ClientsRefresher } from '../clients/refresher.js';
import { usageFamilies } from './metrics.js';

export interface UsageSourceOptions {
  org: string;
  api: Pick<GenesysApi, 'queryUsageAggregates' | 'queryUsageLegacy'>;
  clients: Pick<ClientsRefresher, 'existingIds' | 'refresh' | 'directory'>;
  intervalMs: number;
  clock?: Clock;
  logger?: Logger;
  scheduler?: PollSchedule['scheduler'];
}

/**
 * Polls the Usage API (daily buckets) for the month to date, grouped by OAuth client. Uses the
 * 2025 jobs API and falls back to the legacy query when the jobs API is unavailable.
 */
export class UsageSource extends PolledSource {
  private summary: UsageSummary | null = null;
  private useLegacy = false;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly opts: UsageSourceOptions) {
    super('usage', opts.org, opts);
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
  }

  /** The latest summary, for the status page and `once`. */
  current(): UsageSummary | null {
    return this.summary;
  }

  collect(nowMs: number): MetricFamily[] {
    return this.summary ? usageFamilies(this.org, this.summary, nowMs) : [];
  }

  protected async poll(signal: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const { interval } = usageQueryInterval(now);
    // The client list decides which clients still exist; a failure there must not stop usage.
    const listing = this.opts.clients.refresh(true).catch(() => {});
    const rows = await this.query(interval, signal);
    await listing;
    const { directory } = this.opts.clients;
    for (const r of rows)
      if (r.clientName && !directory.nameOf(r.clientId)) directory.set(r.clientId, r.clientName);
    // The name is optional in both Usage APIs: the client list's name, else the id, stands in.
    const named = rows.map((r) =>
      r.clientName ? r : { ...r, clientName: directory.nameOf(r.clientId) ?? '' },
    );
    this.summary = summariseUsage(named, this.clock.now(), this.opts.clients.existingIds(), this.summary);
  }

  private async query(interval: string, signal: AbortSignal): Promise<UsageRow[]> {
    if (!this.useLegacy) {
      try {
        return await this.opts.api.queryUsageAggregates({ interval }, signal);
      } catch (err) {
        if (!(err instanceof EndpointUnavailableError)) throw err;
        this.useLegacy = true;
        this.logger.warn(
          { org: this.org, status: err.status },
          "usage jobs API unavailable; using the legacy usage query, which leaves out Genesys' built-in clients (org totals drop by their share)",
        );
      }
    }
    return this.opts.api.queryUsageLegacy({ interval }, signal);
  }
}
