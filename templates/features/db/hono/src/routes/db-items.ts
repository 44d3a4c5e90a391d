import { Hono } from 'hono';
import type { DbItems } from '../db/items.js';

// POOL-1..3: the logic is in DbItems; this only wires it
export function dbItemRoutes(dbItems: DbItems) {
  return new Hono().get('/api/db/items/:id', async (c) => {
    const { status, headers, body } = await dbItems.get(c.req.param('id'));
    return Response.json(body, { status, headers });
  });
}
