import { Router, type Request, type Response } from 'express';
import { parseRounds, roundsError, type JobReply, type JobService } from '../jobs/service.js';

const hasBody = ({ headers }: Request) =>
  headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;

const send = (res: Response, { status, headers, body }: JobReply) => {
  res.status(status).set(headers).json(body);
};

// WORK-1: the job runs off the request path; this only wires it
export function jobRoutes(jobs: JobService): Router {
  const router = Router();

  router.post('/api/jobs', async (req, res) => {
    // express.json() leaves a body of another type unread: refuse it, as Fastify does (no
    // body at all is the default job)
    if (hasBody(req) && req.is('application/json') === false) {
      res.status(415).json({ error: 'Unsupported Media Type: send application/json' });
      return;
    }
    const rounds = parseRounds(req.body);
    if (rounds === undefined) {
      res.status(400).json({ error: roundsError });
      return;
    }
    send(res, await jobs.submit(rounds));
  });

  router.get('/api/jobs/:id', async (req, res) => {
    send(res, await jobs.state(req.params.id));
  });

  return router;
}
