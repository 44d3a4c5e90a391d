import { Router } from 'express';
import type { DbItems } from '../db/items.js';

// POOL-1..3: the logic is in DbItems; this only wires it
export function dbItemRoutes(dbItems: DbItems): Router {
  const router = Router();

  router.get('/api/db/items/:id', async (req, res) => {
    const { status, headers, body } = await dbItems.get(req.params.id);
    res.status(status).set(headers).json(body);
  });

  return router;
}
