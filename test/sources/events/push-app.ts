/** The events routes over one org's ledger, as the push tests serve them: pushes from ORG_ID (or bare notifications) land in it. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { EventLedger } from '../../../src/sources/events/ledger.js';
import { eventsRoutes } from '../../../src/sources/events/routes.js';
import type { Clock } from '../../../src/util/clock.js';
import { ORG_ID } from '../../helpers/signal-fixtures.js';

export async function pushApp(ledger: EventLedger, clock: Clock, token: string): Promise<FastifyInstance> {
  const mine = (key: string | undefined, own: string) =>
    key === undefined || key === own ? ledger : undefined;
  const app = Fastify();
  await app.register(
    eventsRoutes({
      token,
      clock,
      ledgerFor: (orgId) => mine(orgId, ORG_ID),
      ledgerOf: (org) => mine(org, ledger.org),
    }),
  );
  await app.ready();
  return app;
}
