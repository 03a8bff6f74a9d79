/** A running part of the agent: a poll loop, a listener, the telemetry pipeline, the demo simulator. */
export interface Service {
  /** Names the part in shutdown logs. */
  readonly name: string;
  /** Resolves once started (listening, scheduled), not once it first did its work. */
  start(): Promise<void>;
  /** Idempotent. */
  stop(): Promise<void>;
}
