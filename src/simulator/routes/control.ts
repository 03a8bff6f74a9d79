/** Control routes under `/__sim` (never part of the Genesys surface). */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { faultSchema } from '../faults.js';
import { trafficSchema } from '../scenario.js';
import { ceilMinute } from '../sim-time.js';
import type { SimWorld } from '../world.js';
import { MINUTE } from '../traffic.js';

const newClientSchema = z.strictObject({
  id: z.string().min(1).optional(),
  name: z.string().min(1),
  secret: z.string().min(1).optional(),
  tokens: z.number().int().min(1).max(100).default(1),
  tokenValiditySeconds: z.number().int().min(300).max(38_880_000).default(86_400),
  traffic: trafficSchema.optional(),
});

const modeSchema = z.strictObject({ sparse: z.boolean() });

function invalid(error: z.ZodError): { error: string } {
  const i = error.issues[0];
  const path = i
    ? i.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.') || '(body)'
    : '(body)';
  return { error: `${path}: ${i?.message ?? 'invalid'}` };
}

export function registerControlRoutes(app: FastifyInstance, world: SimWorld): void {
  app.get('/__sim/truth', async () => world.truth());
  app.get('/__sim/calls', async () => world.callsReport());
  app.get('/__sim/requests', async () => ({ requests: world.requestsReport() }));

  app.get('/__sim/mode', async () => ({ sparse: world.sparse }));
  app.put('/__sim/mode', async (req, reply) => {
    const m = modeSchema.safeParse(req.body);
    if (!m.success) return reply.code(400).send(invalid(m.error));
    world.sparse = m.data.sparse;
    return { sparse: world.sparse };
  });

  app.post('/__sim/faults', async (req, reply) => {
    const f = faultSchema.safeParse(req.body);
    if (!f.success) return reply.code(400).send(invalid(f.error));
    const fault = { ...f.data, id: randomUUID() };
    world.faults.push(fault);
    return reply.code(201).send(fault);
  });
  app.get('/__sim/faults', async () => ({ faults: world.faults }));
  app.delete('/__sim/faults', async (_req, reply) => {
    world.faults.splice(0, world.faults.length);
    return reply.code(204).send();
  });

  app.post('/__sim/clients', async (req, reply) => {
    const c = newClientSchema.safeParse(req.body);
    if (!c.success) return reply.code(400).send(invalid(c.error));
    const id = c.data.id ?? randomUUID();
    if (world.clients.has(id))
      return reply.code(409).send({ error: `id: client "${id}" already exists; choose another id` });
    const now = world.clock.now();
    const client = world.addClient({
      id,
      name: c.data.name,
      secret: c.data.secret ?? `${c.data.name}-secret`,
      tokens: c.data.tokens,
      tokenValiditySeconds: c.data.tokenValiditySeconds,
      permissions: undefined,
      traffic: c.data.traffic,
      isAgent: false,
      // Background traffic starts with the next whole minute.
      existsFrom: Math.min(now, ceilMinute(now) * MINUTE),
      existsUntil: Infinity,
    });
    return reply.code(201).send({
      id: client.id,
      name: client.name,
      secret: client.secret,
      tokens: client.tokens,
      traffic: client.traffic ?? null,
    });
  });

  app.delete<{ Params: { id: string } }>('/__sim/clients/:id', async (req, reply) => {
    if (!world.deleteClient(req.params.id))
      return reply.code(404).send({ error: `client "${req.params.id}" does not exist` });
    return reply.code(204).send();
  });

  app.delete('/__sim/tokens', async () => ({ revoked: world.revokeAllTokens() }));
}
