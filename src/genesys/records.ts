/**
 * Record-by-record parsing of Genesys lists: a record that lacks what the agent needs is skipped
 * and counted in the skipped-records counter (src/telemetry/catalogue.ts), never the whole response.
 * The reason names the field (`missing_oauthClient.id`, `invalid_date`): bounded, because only the
 * fields a record schema declares can produce an issue. One warning per failure episode: the first
 * skip of a (source, reason) warns; a later response of the same endpoint without it ends the episode.
 */
import { z } from 'zod';
import { catalogue } from '../telemetry/catalogue.js';
import type { CounterFamily } from '../telemetry/families.js';
import type { SourceName } from '../sources/source.js';
import type { Logger } from '../util/logger.js';
import { GenesysApiError } from './errors.js';

export class RecordSkips {
  private readonly counts = new Map<string, { source: SourceName; reason: string; value: number }>();
  /** `${endpoint}\0${reason}` of the episodes in progress. */
  private readonly episodes = new Set<string>();

  constructor(
    private readonly org: string,
    private readonly logger: Logger,
    private readonly startTimeMs: number,
  ) {}

  /** The records of one response that parse; the others are counted and skipped. */
  keep<S extends z.ZodType>(
    items: readonly unknown[],
    schema: S,
    where: { source: SourceName; endpoint: string },
  ): z.output<S>[] {
    const kept: z.output<S>[] = [];
    const reasons = new Map<string, { field: string; n: number }>();
    for (const item of items) {
      const r = schema.safeParse(item, { reportInput: true });
      if (r.success) {
        kept.push(r.data);
        continue;
      }
      const issue = r.error.issues[0];
      const field = z.core.toDotPath((issue?.path ?? []).filter((p) => typeof p !== 'number')) || '(record)';
      const missing = issue?.code === 'invalid_type' && issue.input === undefined;
      const reason = `${missing ? 'missing' : 'invalid'}_${field}`;
      const seen = reasons.get(reason);
      if (seen) seen.n += 1;
      else reasons.set(reason, { field, n: 1 });
    }
    for (const [reason, { field, n }] of reasons) {
      const key = `${where.source}\u0000${reason}`;
      const c = this.counts.get(key);
      if (c) c.value += n;
      else this.counts.set(key, { source: where.source, reason, value: n });
      const episode = `${where.endpoint}\u0000${reason}`;
      if (this.episodes.has(episode)) continue;
      this.episodes.add(episode);
      this.logger.warn(
        { org: this.org, source: where.source, endpoint: where.endpoint, reason, skipped: n },
        `${where.endpoint}: skipped ${n} record(s) without a usable \`${field}\`; the rest are used`,
      );
    }
    if (items.length > 0 && kept.length === 0) {
      // Not one usable record: a schema change, not an odd record. Fail the call so the source
      // keeps its last good figures instead of exporting an empty org.
      const [reason, { field }] = [...reasons][0]!;
      throw new GenesysApiError(
        `${where.endpoint} returned an unexpected body: no record has a usable \`${field}\` (${reason})`,
        null,
        where.endpoint,
        'invalid_response',
      );
    }
    for (const episode of this.episodes) {
      const [endpoint, reason] = episode.split('\u0000') as [string, string];
      if (endpoint === where.endpoint && !reasons.has(reason)) this.episodes.delete(episode);
    }
    return kept;
  }

  /** Skipped records so far for one source and reason (tests, `doctor`). */
  count(source: SourceName, reason: string): number {
    return this.counts.get(`${source}\u0000${reason}`)?.value ?? 0;
  }

  collect(): CounterFamily[] {
    if (this.counts.size === 0) return [];
    return [
      catalogue.agentRecordsSkipped.family(
        [...this.counts.values()].map((c) => ({
          attributes: { org: this.org, source: c.source, reason: c.reason },
          value: c.value,
          startTimeMs: this.startTimeMs,
        })),
      ),
    ];
  }
}
