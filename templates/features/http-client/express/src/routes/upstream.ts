import { Router } from 'express';
import type { Upstream } from '../upstream/service.js';

// POOL-5..7: the logic is in Upstream; this only wires it
export function upstreamRoutes(upstream: Upstream): Router {
  const router = Router();

  router.get('/api/upstream', async (_req, res) => {
    const { status, headers, body } = await upstream.get();
    res.status(status).set(headers).json(body);
  });

  router.post('/api/upstream', async (req, res) => {
    const { status, headers, body } = await upstream.post(req.body);
    res.status(status).set(headers).json(body);
  });

  return router;
}
