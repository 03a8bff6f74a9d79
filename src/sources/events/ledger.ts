import { createHash } from 'node:crypto';
import type { EventDefinition, OperationalEvent } from '../../genesys/api.js';
import { ExpiringKeys } from '../../model/signals/expiring-keys.js';
import { isRateLimitDefinition } from '../../model/signals/rate-limit-definition.js';
import { catalogue } from '../../telemetry/catalogue.js';
import type { MetricFamily } from '../../telemetry/families.js';
import { systemClock, type Clock } from '../../util/clock.js';

export type EventSource = 'pull' | 'push';
export type LedgerEvent = OperationalEvent & { source: EventSource };
/** `truncated`: a string field was longer than MAX_FIELD_CHARS and is shown cut. */
export type LatestEvent = LedgerEvent & { rateLimit: boolean; truncated?: true };

const MIN_DEDUPE_MS = 10 * 60_000;
/** The label of events whose definition the definitions list does not know. */
const OTHER_DEFINITION = 'other';
/** Bounds of the ledger's maps: definitions kept from the list, event ids remembered for dedupe. */
const MAX_DEFINITIONS = 1_000;
const MAX_REMEMBERED_IDS = 100_000;
/**
 * Longest string kept from an event (names, values, ids): with the latest 50 per org, the list and
 * GET /api/v1/events stay near 100 kB however large the pushed strings (1 MiB bodies are accepted).
 */
const MAX_FIELD_CHARS = 256;
const TEXT_FIELDS = [
  'id',
  'eventDefinitionId',
  'eventDefinitionName',
  'entityId',
  'entityName',
  'previousValue',
  'currentValue',
  'errorCode',
] as const;

/**
 * Operational events of one org, from the pull (ratelimits source) and push (/v1/events) paths:
 * counts per definition and source, drops redeliveries, keeps the latest few for the API and the
 * status page. Counted under the name the definitions list gives their definition id, or `other`:
 * a pushed body cannot mint labels. Every map is bounded. Pure apart from the injected clock.
 */
export class EventLedger {
  readonly org: string;
  private readonly clock: Clock;
  private readonly keepLatest: number;
  private readonly seen: ExpiringKeys;
  private readonly counts = new Map<string, { definition: string; source: EventSource; value: number }>();
  private readonly recent: LatestEvent[] = [];
  private readonly startedAtMs: number;
  private readonly definitionNames = new Map<string, string>();
  private unknownListener: (definitionId: string) => void = () => undefined;
  /** When a pushed event was last recorded (duplicates aside): the push path's last success. */
  lastPushMs: number | null = null;
  /** Events listed with a field cut to MAX_FIELD_CHARS, since start. */
  truncatedEvents = 0;

  constructor(opts: {
    org: string;
    clock?: Clock;
    dedupeMs?: number;
    keepLatest?: number;
    maxRememberedIds?: number;
  }) {
    const dedupeMs = opts.dedupeMs ?? 30 * 60_000;
    // EventBridge retries for up to 24 h, but redeliveries cluster in the first minutes; below 10 min
    // a slow retry would be counted twice.
    if (dedupeMs < MIN_DEDUPE_MS) throw new RangeError(`dedupeMs must be at least ${MIN_DEDUPE_MS} ms`);
    this.org = opts.org;
    this.clock = opts.clock ?? systemClock;
    this.keepLatest = opts.keepLatest ?? 50;
    this.seen = new ExpiringKeys(dedupeMs, opts.maxRememberedIds ?? MAX_REMEMBERED_IDS);
    this.startedAtMs = this.clock.now();
  }

  /**
   * Count one event unless its id was recorded from the same source within the dedupe time; false
   * for a duplicate. With `count: false` the event is only listed (an event from before the agent
   * started, which a counter must not report as new).
   */
  record(e: LedgerEvent, opts: { count?: boolean } = {}): boolean {
    // An id longer than a UUID or two is remembered by its hash: the dedupe memory holds 100 000.
    const key = e.id.length > 64 ? createHash('sha256').update(e.id).digest('base64') : e.id;
    if (!this.seen.add(`${e.source}\u0000${key}`, this.clock.now())) return false;
    if (e.source === 'push') this.lastPushMs = this.clock.now();
    if (opts.count ?? true) {
      const definition = this.labelOf(e.eventDefinitionId);
      const key = `${e.source}\u0000${definition}`;
      const c = this.counts.get(key) ?? { definition, source: e.source, value: 0 };
      c.value += 1;
      this.counts.set(key, c);
    }
    // Newest arrival first: a timestamp is the sender's word, and one from 2100 must not hide the rest.
    this.recent.unshift(this.bounded({ ...e, rateLimit: isRateLimitDefinition(e.eventDefinitionName) }));
    this.recent.length = Math.min(this.recent.length, this.keepLatest);
    return true;
  }

  private bounded(e: LatestEvent): LatestEvent {
    for (const f of TEXT_FIELDS) {
      const v = e[f];
      if (typeof v === 'string' && v.length > MAX_FIELD_CHARS) {
        e[f] = `${v.slice(0, MAX_FIELD_CHARS - 1)}…`;
        e.truncated = true;
      }
    }
    if (e.truncated) this.truncatedEvents += 1;
    return e;
  }

  /** Event definitions as last listed by the API, to name pushed events that carry only an id. */
  setDefinitions(defs: readonly EventDefinition[]): void {
    this.definitionNames.clear();
    // Names become label values and list entries: as bounded as any other event string.
    for (const d of defs.slice(0, MAX_DEFINITIONS))
      this.definitionNames.set(d.id, d.name.slice(0, MAX_FIELD_CHARS));
  }

  definitionName(id: string): string | undefined {
    return this.definitionNames.get(id);
  }

  /** Called with each definition id the list does not know (its owner refreshes the list, rate-limited). */
  onUnknownDefinition(listener: (definitionId: string) => void): void {
    this.unknownListener = listener;
  }

  /** The `event_definition` label of a definition id: its listed name, else `other`. */
  labelOf(definitionId: string): string {
    const name = this.definitionNames.get(definitionId);
    if (name !== undefined) return name;
    this.unknownListener(definitionId);
    return OTHER_DEFINITION;
  }

  /** Newest arrival first. */
  latest(): LatestEvent[] {
    return this.recent.map((e) => ({ ...e }));
  }

  collect(_nowMs: number): MetricFamily[] {
    if (this.counts.size === 0) return [];
    const family = catalogue.operationalEvents.family(
      [...this.counts.values()].map((c) => ({
        attributes: { org: this.org, event_definition: c.definition, source: c.source },
        value: c.value,
        startTimeMs: this.startedAtMs,
      })),
    );
    return [family];
  }
}
