/**
 * Client id -> name lookup shared by the sources of one org. Filled from `GET /api/v2/oauth/clients`
 * (refreshed on a timer) and from names seen in usage rows; `noteUnknown` asks for an early refresh
 * when a source meets an id it cannot name.
 */
export interface ClientDirectory {
  nameOf(clientId: string): string | undefined;
  noteUnknown(clientId: string): void;
}

/** In-memory directory; the agent wires a refresher to `onUnknown`. */
export class MapClientDirectory implements ClientDirectory {
  private readonly names = new Map<string, string>();
  constructor(private readonly onUnknown: (clientId: string) => void = () => {}) {}

  nameOf(clientId: string): string | undefined {
    return this.names.get(clientId);
  }

  noteUnknown(clientId: string): void {
    if (!this.names.has(clientId)) this.onUnknown(clientId);
  }

  /** Replace the known clients (the API's list is complete); names learnt elsewhere are kept. */
  replace(clients: Iterable<{ id: string; name: string }>): void {
    for (const c of clients) this.names.set(c.id, c.name);
  }

  set(clientId: string, name: string): void {
    this.names.set(clientId, name);
  }
}
