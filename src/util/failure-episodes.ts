/**
 * "Warn once per failure episode": the first failure after a success (or at start) deserves a
 * warning, repeats only a debug line, and the success that ends the episode one info line — so a
 * region outage logs three lines, not one per poll or retry. Keyed, so one instance can follow
 * several endpoints; single-purpose callers use the default key.
 */
export class FailureEpisodes {
  private readonly failing = new Set<string>();

  /** Records a failure: `'warn'` when it opens an episode, `'debug'` inside one. */
  fail(key = ''): 'warn' | 'debug' {
    if (this.failing.has(key)) return 'debug';
    this.failing.add(key);
    return 'warn';
  }

  /** Records a success: true when it ends an episode (log the recovery then, once). */
  succeed(key = ''): boolean {
    return this.failing.delete(key);
  }
}
