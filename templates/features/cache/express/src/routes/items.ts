import { Router, type Response } from 'express';
import type { ItemService } from '../items/service.js';
import { jsonReply, type Reply } from '../perf/cache/http.js';

// the body is already bytes: write it as it is, without res.send()'s checks
const send = (res: Response, { status, headers, body }: Reply) => {
  res.writeHead(status, headers).end(body);
};

// CACHE-4, CACHE-5, CACHE-8, HTTP-1..3: the logic is in ItemService; this only wires it
export function itemRoutes(items: ItemService): Router {
  const router = Router();

  router.get('/api/items/:id', async (req, res) => {
    send(res, await items.item(req.params.id, req.headers));
  });

  router.put('/api/items/:id', async (req, res) => {
    // express.json() leaves a body of another type unread: refuse it, as Fastify does
    if (req.is('application/json') === false) {
      send(res, jsonReply(415, { error: 'Unsupported Media Type: send application/json' }));
      return;
    }
    send(res, await items.replaceItem(req.params.id, req.body));
  });

  router.get('/api/catalog', async (req, res) => {
    const { page, lang } = req.query;
    const query = {
      page: typeof page === 'string' ? page : undefined,
      lang: typeof lang === 'string' ? lang : undefined,
    };
    send(res, await items.catalog(query, req.headers));
  });

  router.get('/api/tiny', async (req, res) => {
    send(res, await items.tiny(req.headers));
  });

  return router;
}
