import type { FastifyPluginAsync } from 'fastify';
import type { Upstream } from '../upstream/service.js';

// POOL-5..7: the logic is in Upstream; this only wires it
export const upstreamRoutes: FastifyPluginAsync<{ upstream: Upstream }> = async (
  app,
  { upstream },
) => {
  app.get('/api/upstream', async (_request, reply) => {
    const { status, headers, body } = await upstream.get();
    return reply.code(status).headers(headers).send(body);
  });

  app.post('/api/upstream', async (request, reply) => {
    const { status, headers, body } = await upstream.post(request.body);
    return reply.code(status).headers(headers).send(body);
  });
};
