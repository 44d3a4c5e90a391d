import { Router } from 'express';
import { parseRounds, roundsError, type Hasher } from '../hash/service.js';
import { whenClientGoes } from '../perf/worker-pool.js';

// WORK-2: the work runs in the worker pool; this only wires it
export function hashRoutes(hasher: Hasher): Router {
  const router = Router();

  router.get('/api/hash', async (req, res) => {
    const rounds = parseRounds(req.query.rounds);
    if (rounds === undefined) {
      res.status(400).json({ error: roundsError });
      return;
    }
    const { status, headers, body } = await hasher.hash(rounds, whenClientGoes(res));
    res.status(status).set(headers).json(body);
  });

  return router;
}
