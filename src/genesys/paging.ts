import { GenesysApiError } from './errors.js';

/**
 * Stops a `nextUri` listing that never ends: a page already read means a loop, and more than
 * `maxPages` pages means an answer far larger than any org has. The error says which of the two.
 */
export class PagingGuard {
  private readonly seen = new Set<string>();
  private pages = 1;

  constructor(
    private readonly what: string,
    private readonly endpoint: string,
    private readonly maxPages: number,
  ) {}

  /** Call with each next path before reading it. */
  next(path: string): void {
    if (this.seen.has(path))
      throw this.error(`${this.what} paging does not end: nextUri repeats after ${this.pages} pages`);
    if (this.pages >= this.maxPages)
      throw this.error(`${this.what} paging stopped: more than ${this.maxPages} pages`);
    this.seen.add(path);
    this.pages += 1;
  }

  /**
   * A page's `nextUri` as the next path to read, below the API base: only its path and query are
   * used, always on the API pool, so the agent's token never travels to another host.
   */
  follow(nextUri: string): string {
    const url = new URL(nextUri, 'http://relative.invalid');
    if (!url.pathname.startsWith('/api/v2/'))
      throw new GenesysApiError(
        `${this.endpoint} returned a nextUri outside the API`,
        null,
        this.endpoint,
        'invalid_response',
      );
    const path = url.pathname + url.search;
    this.next(path);
    return path;
  }

  private error(message: string): GenesysApiError {
    return new GenesysApiError(message, null, this.endpoint, 'paging_loop');
  }
}
