import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { ItemService } from '../items/service.js';
import { jsonReply, type Reply } from '../perf/cache/http.js';

const jsonType = /^application\/json\s*(?:;|$)/i;
const hasBody = ({ headers }: IncomingMessage) =>
  headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;

const send = ({ status, headers, body }: Reply) => new Response(body ?? null, { status, headers });

// CACHE-4, CACHE-5, CACHE-8, HTTP-1..3: the logic is in ItemService; this only wires it
export function itemRoutes(items: ItemService) {
  return new Hono<{ Bindings: HttpBindings }>()
    .get('/api/items/:id', async (c) =>
      send(await items.item(c.req.param('id'), c.env.incoming.headers)),
    )
    .put('/api/items/:id', async (c) => {
      // c.req.json() parses whatever it is given: a body of another type is refused, as
      // Fastify and Express refuse it
      if (hasBody(c.env.incoming) && !jsonType.test(c.req.header('content-type') ?? '')) {
        return send(jsonReply(415, { error: 'Unsupported Media Type: send application/json' }));
      }
      const body: unknown = await c.req.json().catch(() => undefined);
      return send(await items.replaceItem(c.req.param('id'), body));
    })
    .get('/api/catalog', async (c) => {
      const query = { page: c.req.query('page'), lang: c.req.query('lang') };
      return send(await items.catalog(query, c.env.incoming.headers));
    })
    .get('/api/tiny', async (c) => send(await items.tiny(c.env.incoming.headers)));
}
