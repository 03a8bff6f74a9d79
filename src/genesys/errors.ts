/** Errors of the Genesys client. Messages are one line and never carry secrets or tokens. */

export class GenesysApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or null when no response arrived. */
    readonly status: number | null,
    /** Endpoint template, e.g. `GET /api/v2/oauth/clients`. */
    readonly endpoint: string,
    /** Genesys error `code` (or OAuth `error`), or a client-side code such as `invalid_response`. */
    readonly code?: string,
    /** Genesys' own one-line message from the error body, when it sent one. */
    readonly detail?: string,
  ) {
    super(oneLine(message));
    this.name = 'GenesysApiError';
  }
}

/** The per-org call budget has no free slot within the call's deadline. */
export class BudgetExhaustedError extends Error {
  constructor(
    readonly endpoint: string,
    readonly waitMs: number,
  ) {
    super(
      `${endpoint} not sent: the agent's call budget is used up for the next ${Math.ceil(waitMs / 1000)} s`,
    );
    this.name = 'BudgetExhaustedError';
  }
}

/** Collapses whitespace and bounds length so API-provided text cannot break log lines. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
