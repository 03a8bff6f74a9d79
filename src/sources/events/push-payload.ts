import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A pushed operational event, before it is matched to an org's ledger. */
type PushedEvent = ReturnType<typeof toEvent>;

export class PayloadError extends Error {
  constructor(
    /** JSONPath of the offending value, `$` for the whole body. */
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'PayloadError';
  }
}

const TOPIC = /^v2\.operations\.events\.([A-Za-z0-9_-]+)$/;
const EVENT_SOURCE = /^aws\.partner\/genesys\.com\/cloud\/([^/]+)(?:\/.*)?$/;

// Values are strings in the SDK model; numbers are tolerated because limit values are numeric.
const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === undefined || v === null ? null : String(v)));

const eventBodySchema = z.object({
  eventEntity: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
  entityId: text,
  entityName: text,
  previousValue: text,
  currentValue: text,
  errorCode: text,
  timestamp: z.number().optional(),
});

const notificationSchema = z.object({
  topicName: z
    .string()
    .regex(TOPIC, 'expected an operational-events topic v2.operations.events.{eventDefinitionId}'),
  version: z.string().optional(),
  eventBody: eventBodySchema,
  metadata: z.record(z.string(), z.unknown()).optional(),
  timestamp: z.string().optional(),
});

const envelopeSchema = z.object({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.string().min(1),
  source: z.string().regex(EVENT_SOURCE, 'expected aws.partner/genesys.com/cloud/{orgId}/{suffix}'),
  time: z.string(),
  account: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.unknown()).optional(),
  detail: notificationSchema,
});

/**
 * Validate a whole POST /v1/events body — one EventBridge envelope, a JSON array of them, or a bare
 * Genesys notification (`{topicName, eventBody}`) — and return its events. Throws `PayloadError`
 * naming the JSON path of the first problem, so nothing of a bad batch is counted.
 */
export function parsePushBody(body: unknown): PushedEvent[] {
  if (Array.isArray(body)) {
    if (body.length === 0) throw new PayloadError('$', 'empty array: send at least one event');
    return body.map((item, i) => parseItem(item, `$[${i}]`));
  }
  return [parseItem(body, '$')];
}

function parseItem(item: unknown, at: string): PushedEvent {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new PayloadError(at, 'expected a JSON object (an EventBridge envelope or a Genesys notification)');
  }
  if ('detail' in item || 'detail-type' in item) {
    const env = check(envelopeSchema, item, at);
    const orgId = EVENT_SOURCE.exec(env.source)?.[1];
    return toEvent(env.detail, orgId, env.id, Date.parse(env.detail.timestamp ?? env.time));
  }
  if ('topicName' in item) {
    const n = check(notificationSchema, item, at);
    const id = `sha256:${createHash('sha256').update(JSON.stringify(item)).digest('hex')}`;
    return toEvent(n, undefined, id, Date.parse(n.timestamp ?? ''));
  }
  throw new PayloadError(
    at,
    'unknown payload: expected an EventBridge envelope (id, source, detail-type, detail) or a Genesys notification (topicName, eventBody)',
  );
}

/**
 * `orgId`: the Genesys org of an envelope's `source`, undefined for a bare notification. `id`: the
 * envelope's, or a bare notification's hash: what at-least-once redeliveries share.
 */
function toEvent(
  n: z.infer<typeof notificationSchema>,
  orgId: string | undefined,
  id: string,
  fallbackMs: number,
) {
  const b = n.eventBody;
  return {
    orgId,
    id,
    eventDefinitionId: TOPIC.exec(n.topicName)?.[1] ?? n.topicName,
    eventDefinitionName: b.eventEntity?.name,
    entityId: b.entityId,
    entityName: b.entityName,
    previousValue: b.previousValue,
    currentValue: b.currentValue,
    errorCode: b.errorCode,
    timestamp: b.timestamp ?? (Number.isNaN(fallbackMs) ? undefined : fallbackMs),
  };
}

function check<S extends z.ZodType>(schema: S, value: unknown, at: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = z.core.toDotPath(issue?.path ?? []);
  throw new PayloadError(
    path === '' || path.startsWith('[') ? at + path : `${at}.${path}`,
    issue?.message ?? 'invalid',
  );
}
