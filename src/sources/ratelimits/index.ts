import { GenesysApiError } from '../../genesys/errors.js';
import type { GenesysApi } from '../../genesys/api.js';
import type { ClientDirectory } from '../../model/client-directory.js';
import { EventPullWindow } from '../../model/signals/event-pull-window.js';
import { RateLimitTracker } from '../../model/signals/rate-limit-tracker.js';
import { catalogue } from '../../telemetry/catalogue.js';
import type { MetricFamily } from '../../telemetry/families.js';
import type { EventLedger } from '../events/ledger.js';
import { PolledSource, type PollSchedule } from '../polled-source.js';

/** How far back each aggregates query reaches (and the first events query). */
const LOOKBACK_MS = 10 * 60_000;
/** How far each events query reaches behind the previous one, for late events. */
const EVENTS_OVERLAP_MS = 5 * 60_000;
/** Event definitions change rarely. */
const DEFINITIONS_REFRESH_MS = 3_600_000;
/** An unknown definition id reloads the list at most this often (a pushed flood of made-up ids costs one call a minute). */
const DEFINITIONS_MIN_GAP_MS = 60_000;

/** Finest first; the API's smallest accepted granularity is undocumented (docs/simulator.md assumes PT1M). */
const GRANULARITIES = [
  { iso: 'PT1M', ms: 60_000 },
  { iso: 'PT5M', ms: 300_000 },
  { iso: 'PT15M', ms: 900_000 },
  { iso: 'PT1H', ms: 3_600_000 },
] as const;

export type RateLimitWarning = ReturnType<RateLimitsSource['latestWarnings']>[number];

export interface RateLimitsSourceOptions extends PollSchedule {
  api: Pick<GenesysApi, 'queryRateLimitAggregates' | 'listEventDefinitions' | 'queryOperationalEvents'>;
  directory: ClientDirectory;
  ledger: EventLedger;
}

/**
 * Polls the platform's own "limit reached 90 %" signals each cycle: rate-limit aggregates (counted
 * exactly once per record across overlapping windows) and operational events (into the org's
 * ledger with source `pull`). `collect` returns the warnings counter; the ledger's events counter
 * belongs to the org's events source (src/sources/events/index.ts).
 */
export class RateLimitsSource extends PolledSource {
  private readonly startedAtMs = this.clock.now();
  private readonly tracker = new RateLimitTracker(this.startedAtMs);
  private readonly pull = new EventPullWindow({ lookbackMs: LOOKBACK_MS, overlapMs: EVENTS_OVERLAP_MS });
  private granularity = 0;
  private aggregatesSucceeded = false;
  private definitionsAtMs: number | null = null;
  /** An event named a definition the list does not know: reload it at the next poll. */
  private definitionsWanted = false;

  constructor(private readonly opts: RateLimitsSourceOptions) {
    super('ratelimits', opts);
    opts.ledger.onUnknownDefinition(() => {
      this.definitionsWanted = true;
    });
  }

  /** The granularity the API accepted (`PT1M` until a query is rejected). */
  granularityInUse(): string {
    return GRANULARITIES[this.granularity]!.iso;
  }

  /**
   * Groups with records in the lookback window, newest first, for the status page. `count` is the
   * group's value of the warnings counter, so the page and the metric never disagree.
   */
  latestWarnings() {
    return this.tracker
      .snapshot()
      .filter((g) => g.lastSeenMs !== null)
      .map((g) => ({
        namespace: g.namespace,
        limitKey: g.limitName,
        entityId: g.entityId,
        entityName: this.entityName(g.entityId),
        count: g.total,
        max: g.recentMax,
        lastSeenMs: g.lastSeenMs!,
      }))
      .sort((a, b) => b.lastSeenMs - a.lastSeenMs);
  }

  collect(_nowMs: number): MetricFamily[] {
    if (!this.aggregatesSucceeded) return [];
    return [
      catalogue.rateLimitWarnings.family(
        this.tracker.snapshot().map((g) => ({
          attributes: {
            org: this.org,
            namespace: g.namespace,
            limit_key: g.limitName,
            entity_id: g.entityId,
            entity_name: this.entityName(g.entityId),
          },
          value: g.total,
          startTimeMs: this.startedAtMs,
        })),
      ),
    ];
  }

  /** Both halves run even when one fails, so a broken events API does not hide rate-limit records. */
  protected async poll(signal: AbortSignal): Promise<void> {
    const results = await Promise.allSettled([this.pollAggregates(signal), this.pollEvents(signal)]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async pollAggregates(signal: AbortSignal): Promise<void> {
    const nowMs = this.clock.now();
    for (;;) {
      const g = GRANULARITIES[this.granularity]!;
      // Align to the bucket size so every query sees whole buckets with the same starts.
      const startMs = Math.floor((nowMs - LOOKBACK_MS) / g.ms) * g.ms;
      try {
        const groups = await this.opts.api.queryRateLimitAggregates(
          { interval: `${iso(startMs)}/${iso(nowMs)}`, granularity: g.iso },
          signal,
        );
        this.tracker.observe(groups, startMs, g.ms);
        this.aggregatesSucceeded = true;
        this.noteUnknownEntities(groups.map((x) => x.entityId));
        return;
      } catch (err) {
        // Only a 400 about the granularity means "too fine"; any other 400 is a real failure.
        const rejected =
          err instanceof GenesysApiError && err.status === 400 && /granularity/i.test(err.detail ?? '');
        if (!rejected || this.granularity === GRANULARITIES.length - 1) throw err;
        this.granularity++;
        this.logger.info(
          { org: this.org, source: this.name, granularity: this.granularityInUse() },
          `rate-limit aggregates rejected ${g.iso}; trying a coarser granularity`,
        );
      }
    }
  }

  private async pollEvents(signal: AbortSignal): Promise<void> {
    const nowMs = this.clock.now();
    const { ledger, api } = this.opts;
    const age = this.definitionsAtMs === null ? Number.POSITIVE_INFINITY : nowMs - this.definitionsAtMs;
    if (age >= DEFINITIONS_REFRESH_MS || (this.definitionsWanted && age >= DEFINITIONS_MIN_GAP_MS)) {
      this.definitionsWanted = false;
      ledger.setDefinitions(await api.listEventDefinitions(signal));
      this.definitionsAtMs = nowMs;
    }
    const window = this.pull.next(nowMs);
    const events = await api.queryOperationalEvents(
      { interval: `${iso(window.startMs)}/${iso(window.endMs)}` },
      signal,
    );
    for (const e of this.pull.accept(window, events)) {
      const named = e.eventDefinitionName && e.eventDefinitionName !== e.eventDefinitionId;
      const eventDefinitionName = named
        ? e.eventDefinitionName
        : (ledger.definitionName(e.eventDefinitionId) ?? e.eventDefinitionId);
      // Events from before the agent started are listed but not counted, like pre-start aggregates.
      ledger.record(
        { ...e, eventDefinitionName, source: 'pull' },
        { count: e.timestamp >= this.startedAtMs },
      );
    }
  }

  private entityName(entityId: string): string {
    return this.opts.directory.nameOf(entityId) ?? entityId;
  }

  private noteUnknownEntities(ids: readonly string[]): void {
    for (const id of new Set(ids))
      if (id && this.opts.directory.nameOf(id) === undefined) this.opts.directory.noteUnknown(id);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
