import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ItemService } from '../items/service.js';
import type { Reply } from '../perf/cache/http.js';

const send = (reply: FastifyReply, { status, headers, body }: Reply) =>
  reply.code(status).headers(headers).send(body);

// CACHE-4, CACHE-5, CACHE-8, HTTP-1..3: the logic is in ItemService; this only wires it
export const itemRoutes: FastifyPluginAsync<{ items: ItemService }> = async (app, { items }) => {
  // bodies are JSON: without its text parser (in this plugin only) Fastify answers any other
  // type 415, as Express and Hono do
  app.removeContentTypeParser('text/plain');

  app.get<{ Params: { id: string } }>('/api/items/:id', async (request, reply) =>
    send(reply, await items.item(request.params.id, request.headers)),
  );

  app.put<{ Params: { id: string } }>('/api/items/:id', async (request, reply) =>
    send(reply, await items.replaceItem(request.params.id, request.body)),
  );

  app.get<{ Querystring: { page?: string; lang?: string } }>(
    '/api/catalog',
    async (request, reply) => send(reply, await items.catalog(request.query, request.headers)),
  );

  app.get('/api/tiny', async (request, reply) => send(reply, await items.tiny(request.headers)));
};
