/** Pushes new operational events as EventBridge envelopes (docs/events.md §4) to an HTTP endpoint. */
import { request } from 'undici';
import type { FastifyBaseLogger } from 'fastify';
import { operationalEvent } from './routes/ratelimits.js';
import { RATE_LIMIT_EVENT_DEFINITION, type HotMinute } from './hot-minutes.js';
import type { SimWorld } from './world.js';

function eventBridgeEnvelope(world: SimWorld, h: HotMinute): Record<string, unknown> {
  const id = world.hotMinuteId(h);
  const e = operationalEvent(h);
  const definition = RATE_LIMIT_EVENT_DEFINITION;
  return {
    version: '0',
    id,
    'detail-type': 'v2.operations.events.{id}',
    source: `aws.partner/genesys.com/cloud/${world.scenario.org.id}/genesys-usage-agent-simulator`,
    account: '000000000000',
    time: new Date(h.at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [],
    detail: {
      topicName: `v2.operations.events.${definition.id}`,
      version: '2',
      eventBody: {
        eventEntity: { id: definition.id, name: definition.name, description: definition.description },
        entityId: e.entityId,
        entityName: e.entityName,
        previousValue: e.previousValue,
        currentValue: e.currentValue,
        entityType: 'OAUTH_CLIENT',
        version: '1',
        timestamp: h.at,
      },
      metadata: { CorrelationId: id },
      timestamp: new Date(h.at).toISOString(),
    },
  };
}

/** Sends every event that happened after the simulator started, once, in time order. */
export class EventPusher {
  private checkedUntil: number;
  /** Ids already sent at or after `checkedUntil` (real events can share the ms of the last check). */
  private readonly sentAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly world: SimWorld,
    private readonly target: { url: string; token: string },
    private readonly log: FastifyBaseLogger,
  ) {
    this.checkedUntil = world.clock.now();
  }

  start(intervalMs = 250): void {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Queues the events that occurred since the last check. */
  tick(): void {
    const now = this.world.clock.now();
    if (now < this.checkedUntil) return;
    const due = this.world
      .hotMinutes(this.checkedUntil, now)
      .filter((h) => !this.sentAt.has(this.world.hotMinuteId(h)));
    this.checkedUntil = now;
    for (const [id, at] of this.sentAt) if (at < now) this.sentAt.delete(id);
    for (const h of due) {
      this.sentAt.set(this.world.hotMinuteId(h), h.at);
      this.sending = this.sending.then(() => this.send(h));
    }
  }

  private async send(h: HotMinute): Promise<void> {
    try {
      const res = await request(this.target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.target.token}` },
        body: JSON.stringify(eventBridgeEnvelope(this.world, h)),
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      await res.body.dump();
      if (res.statusCode >= 300) this.log.warn({ status: res.statusCode }, 'event push rejected');
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'event push failed');
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sending;
  }
}
