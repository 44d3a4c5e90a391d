import { Router } from 'express';
import type { Readiness } from '../perf/readiness.js';

// RUN-1
export function healthRoutes(readiness: Readiness): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/ready', async (_req, res) => {
    const { ready, body } = await readiness.report();
    res.status(ready ? 200 : 503).json(body);
  });

  return router;
}
