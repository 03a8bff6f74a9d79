/** A tiny scripted Genesys stand-in on 127.0.0.1:0 for client tests. */
import Fastify, { type FastifyInstance } from 'fastify';
import { GenesysClient, type GenesysClientOptions } from '../../src/genesys/client.js';
import { FakeClock } from '../helpers/clock.js';

interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
  atMs: number;
}

export const CLIENT_ID = 'agent-client-id';
export const CLIENT_SECRET = 'very-secret-value-123';

export interface Fake {
  app: FastifyInstance;
  url: string;
  seen: SeenRequest[];
  clock: FakeClock;
  waits: number[];
  logs: { level: string; obj: object; msg: string | undefined }[];
  /** Tokens the fake handed out, in order. */
  issued: string[];
  client(extra?: Partial<GenesysClientOptions>): GenesysClient;
  close(): Promise<void>;
}

/**
 * `setup` registers the routes under test. `/oauth/token` is provided (tokens `tok-1`, `tok-2`, …
 * valid for `expiresIn` s) unless the test registers its own. Requests are stamped with the fake clock.
 */
export async function startFake(
  setup: (app: FastifyInstance, fake: Fake) => void,
  opts: { expiresIn?: number; ownLogin?: boolean } = {},
): Promise<Fake> {
  const app = Fastify({ forceCloseConnections: true });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  const clock = new FakeClock();
  const clients: GenesysClient[] = [];
  const fake: Fake = {
    app,
    url: '',
    seen: [],
    clock,
    waits: [],
    logs: [],
    issued: [],
    client(extra = {}) {
      const level = (name: string) => (obj: object, msg?: string) =>
        fake.logs.push({ level: name, obj, msg });
      const c = new GenesysClient({
        org: 'test-org',
        apiBaseUrl: fake.url,
        loginBaseUrl: fake.url,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        clock,
        random: () => 0.5,
        sleep: async (ms) => {
          fake.waits.push(ms);
          clock.advance(ms);
        },
        logger: { debug: level('debug'), info: level('info'), warn: level('warn'), error: level('error') },
        ...extra,
      });
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await app.close();
    },
  };
  app.addHook('preHandler', async (req) => {
    fake.seen.push({
      method: req.method,
      url: req.url,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body: req.body,
      atMs: clock.now(),
    });
  });
  if (!opts.ownLogin) {
    app.post('/oauth/token', async () => {
      const token = `tok-${fake.issued.length + 1}`;
      fake.issued.push(token);
      return { access_token: token, token_type: 'bearer', expires_in: opts.expiresIn ?? 3600 };
    });
  }
  setup(app, fake);
  fake.url = await app.listen({ host: '127.0.0.1', port: 0 });
  return fake;
}

export function logins(fake: Fake): number {
  return fake.seen.filter((r) => r.url === '/oauth/token').length;
}
