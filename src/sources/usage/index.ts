import { EndpointUnavailableError, type GenesysApi, type UsageRow } from '../../genesys/api.js';
import {
  summariseUsage,
  topEndpoints,
  usageQueryInterval,
  type EndpointFigures,
  type UsageSummary,
} from '../../model/usage.js';
import type { MetricFamily } from '../../telemetry/families.js';
import { PolledSource, type PollSchedule } from '../polled-source.js';
import type { ClientsRefresher } from '../clients/refresher.js';
import { usageFamilies } from './metrics.js';

export interface UsageSourceOptions extends PollSchedule {
  api: Pick<GenesysApi, 'queryUsageAggregates' | 'queryUsageLegacy'>;
  clients: Pick<ClientsRefresher, 'existingIds' | 'refresh' | 'directory'>;
  /** Busiest endpoints per client exported (AGENT_USAGE_TOP_ENDPOINTS). */
  topEndpoints?: number;
}

/**
 * Polls the Usage API (daily buckets) for the month to date, grouped by OAuth client. Uses the
 * 2025 jobs API and falls back to the legacy query when the jobs API is unavailable. The last
 * complete day per endpoint is one more query, asked only when that day's figures changed.
 */
export class UsageSource extends PolledSource {
  private summary: UsageSummary | null = null;
  private useLegacy = false;
  /** Per-endpoint figures of one complete day, and what they were fetched for (see `addEndpoints`). */
  private endpoints: { key: string; byClient: Map<string, EndpointFigures[]> } | null = null;

  constructor(private readonly opts: UsageSourceOptions) {
    super('usage', opts);
  }

  /** The latest summary, for the status page and `once`. */
  current(): UsageSummary | null {
    return this.summary;
  }

  collect(nowMs: number): MetricFamily[] {
    return this.summary ? usageFamilies(this.org, this.summary, nowMs) : [];
  }

  protected async poll(signal: AbortSignal): Promise<void> {
    const { interval } = usageQueryInterval(this.clock.now());
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
    const summary = summariseUsage(named, this.clock.now(), this.opts.clients.existingIds(), this.summary);
    try {
      await this.addEndpoints(summary, signal);
    } finally {
      // The daily figures stand even when the endpoint query fails (the poll still reports it).
      this.summary = summary;
    }
  }

  /**
   * Grouping the month's query by endpoint too would multiply its pages by the endpoints per client
   * (a 10 000-client org: thousands of pages every poll). One query of the last complete day costs a
   * few pages, and only when that day or its total changed: about once a day.
   */
  private async addEndpoints(summary: UsageSummary, signal: AbortSignal): Promise<void> {
    const day = summary.lastCompleteDay;
    // AGENT_USAGE_TOP_ENDPOINTS=0: no per-endpoint figures, so no query for them either.
    if (day === null || this.opts.topEndpoints === 0) return;
    const key = `${day}|${summary.clients.reduce((sum, c) => sum + c.lastDay.requests, 0)}`;
    if (this.endpoints?.key !== key) {
      const rows = await this.query(`${day}T00:00:00Z/${day}T23:59:59.999Z`, signal, true);
      this.endpoints = { key, byClient: topEndpoints(rows, day, this.opts.topEndpoints ?? 10) };
    }
    for (const c of summary.clients) c.lastDayEndpoints = this.endpoints.byClient.get(c.clientId) ?? [];
  }

  private async query(interval: string, signal: AbortSignal, byEndpoint = false): Promise<UsageRow[]> {
    if (!this.useLegacy) {
      try {
        return await this.opts.api.queryUsageAggregates({ interval, byEndpoint }, signal);
      } catch (err) {
        if (!(err instanceof EndpointUnavailableError)) throw err;
        this.useLegacy = true;
        this.logger.warn(
          { org: this.org, status: err.status },
          "usage jobs API unavailable; using the legacy usage query, which leaves out Genesys' built-in clients (org totals drop by their share)",
        );
      }
    }
    return this.opts.api.queryUsageLegacy({ interval, byEndpoint }, signal);
  }
}
