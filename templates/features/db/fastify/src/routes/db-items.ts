import type { FastifyPluginAsync } from 'fastify';
import type { DbItems } from '../db/items.js';

// POOL-1..3: the logic is in DbItems; this only wires it
export const dbItemRoutes: FastifyPluginAsync<{ dbItems: DbItems }> = async (app, { dbItems }) => {
  app.get<{ Params: { id: string } }>('/api/db/items/:id', async (request, reply) => {
    const { status, headers, body } = await dbItems.get(request.params.id);
    return reply.code(status).headers(headers).send(body);
  });
};
