/** Injected faults: schema, matching, and the body transforms applied on the way out. */
import { z } from 'zod';

export const faultSchema = z.strictObject({
  /** Path prefix, e.g. `/api/v2/usage`. */
  route: z.string().startsWith('/'),
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .optional(),
  /** Answer with this status (ErrorBody) instead of the real handler. */
  status: z.number().int().min(100).max(599).optional(),
  /** Share of matching requests affected, 0..1 (default 1). */
  rate: z.number().min(0).max(1).default(1),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** Retry-After seconds sent with the injected status. */
  retryAfter: z.number().int().min(0).optional(),
  /** Replace the body with invalid JSON. */
  malformed: z.boolean().optional(),
  /** Usage jobs never finish: every status poll answers Running. */
  stuck: z.boolean().optional(),
  /** Schema change: rename a field everywhere in the JSON body. */
  renameField: z.strictObject({ from: z.string().min(1), to: z.string().min(1) }).optional(),
  /** Paged responses point `nextUri` back at the page just served. */
  pagingLoop: z.boolean().optional(),
  /** Pad JSON bodies with a `_padding` field of this many bytes. */
  largeResponseBytes: z
    .number()
    .int()
    .min(1)
    .max(64 * 1024 * 1024)
    .optional(),
});
export type FaultSpec = z.output<typeof faultSchema>;
export interface Fault extends FaultSpec {
  id: string;
}

export function faultMatches(f: FaultSpec, method: string, path: string): boolean {
  return path.startsWith(f.route) && (f.method === undefined || f.method === method.toUpperCase());
}

function renameDeep(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameDeep(v, from, to));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k === from ? to : k] = renameDeep(v, from, to);
    return out;
  }
  return value;
}

export interface BodyTransformResult {
  body: string;
  /** When set, the response status must change (a stuck job answers 202). */
  status?: number;
}

/** Applies the body-changing faults to a serialized JSON body. `selfUrl` is the request URL. */
export function transformBody(
  faults: readonly FaultSpec[],
  body: string,
  selfUrl: string,
): BodyTransformResult {
  let status: number | undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined) {
    for (const f of faults) {
      if (f.stuck && parsed !== null && typeof parsed === 'object' && 'queryStatus' in parsed) {
        parsed = { queryStatus: 'Running' };
        status = 202;
      }
      if (f.pagingLoop && parsed !== null && typeof parsed === 'object' && 'entities' in parsed) {
        parsed = { ...parsed, nextUri: selfUrl };
      }
      if (f.renameField) parsed = renameDeep(parsed, f.renameField.from, f.renameField.to);
      if (f.largeResponseBytes && parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        parsed = { ...parsed, _padding: 'x'.repeat(f.largeResponseBytes) };
      }
    }
    body = JSON.stringify(parsed);
  }
  if (faults.some((f) => f.malformed))
    body = body.slice(0, Math.max(1, Math.floor(body.length / 2))) + '{"truncated';
  return status === undefined ? { body } : { body, status };
}
