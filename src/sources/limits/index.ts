import type { GenesysApi, LimitValue } from '../../genesys/api.js';
import { DEFAULT_TOKEN_LIMIT } from '../../model/thresholds.js';
import { catalogue } from '../../telemetry/catalogue.js';
import type { MetricFamily } from '../../telemetry/families.js';
import { PolledSource, type PollSchedule } from '../polled-source.js';

export const CLIENT_TOKEN_LIMIT_KEY = 'client.credentials.token.rate.per.minute';
export { DEFAULT_TOKEN_LIMIT };
/** The Limits API namespace of the Platform API's per-minute limits. */
export const LIMITS_NAMESPACE = 'platform.api';

/** Reads the org's effective `platform.api` limits (static values; refreshed hourly). */
export class LimitsSource extends PolledSource {
  private limits: LimitValue[] | null = null;

  constructor(
    private readonly opts: Omit<PollSchedule, 'intervalMs'> & {
      api: Pick<GenesysApi, 'getLimits'>;
      intervalMs?: number;
      overrides?: Record<string, number>;
    },
  ) {
    super('limits', { ...opts, intervalMs: opts.intervalMs ?? 3_600_000 });
  }

  protected async poll(signal: AbortSignal): Promise<void> {
    this.limits = await this.opts.api.getLimits(LIMITS_NAMESPACE, signal);
  }

  /** The per-token limit for a client: config override, else the org's value, else Genesys' default. */
  limitFor(clientId: string): number {
    const override = this.opts.overrides?.[clientId];
    if (override !== undefined) return override;
    return this.limits?.find((l) => l.key === CLIENT_TOKEN_LIMIT_KEY)?.value ?? DEFAULT_TOKEN_LIMIT;
  }

  collect(): MetricFamily[] {
    const points = (this.limits ?? [])
      .filter((l) => l.key.endsWith('.per.minute'))
      .map((l) => ({ attributes: { org: this.org, limit_key: l.key }, value: l.value }));
    return points.length === 0 ? [] : [catalogue.limitRequestsPerMinute.family(points)];
  }
}
