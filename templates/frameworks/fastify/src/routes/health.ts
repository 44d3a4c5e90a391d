import type { FastifyPluginAsync } from 'fastify';
import type { Readiness } from '../perf/readiness.js';

// RUN-1
export const healthRoutes: FastifyPluginAsync<{ readiness: Readiness }> = async (
  app,
  { readiness },
) => {
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    const { ready, body } = await readiness.report();
    return reply.code(ready ? 200 : 503).send(body);
  });
};
