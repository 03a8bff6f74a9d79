/**
 * Genesys does not document which operational-event definitions are the rate-limit ones,
 * so they are recognised by name: "rate limit", "rate-limit", "ratelimit" in any
 * case. Used only to flag events for the status page; counting does not depend on it.
 */
export function isRateLimitDefinition(name: string): boolean {
  return /rate[\s_-]?limit/i.test(name);
}
