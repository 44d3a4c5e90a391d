import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { IncomingMessage } from 'node:http';
import { parseRounds, roundsError, type JobReply, type JobService } from '../jobs/service.js';

const jsonType = /^application\/json\s*(?:;|$)/i;
const hasBody = ({ headers }: IncomingMessage) =>
  headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;

const send = ({ status, headers, body }: JobReply) => Response.json(body, { status, headers });

// WORK-1: the job runs off the request path; this only wires it
export function jobRoutes(jobs: JobService) {
  return new Hono<{ Bindings: HttpBindings }>()
    .post('/api/jobs', async (c) => {
      let body: unknown;
      if (hasBody(c.env.incoming)) {
        // c.req.json() parses whatever it is given: a body of another type is refused, as
        // Fastify and Express refuse it
        if (!jsonType.test(c.req.header('content-type') ?? '')) {
          return c.json({ error: 'Unsupported Media Type: send application/json' }, 415);
        }
        body = await c.req.json().catch(() => null);
      }
      const rounds = parseRounds(body);
      if (rounds === undefined) return c.json({ error: roundsError }, 400);
      return send(await jobs.submit(rounds));
    })
    .get('/api/jobs/:id', async (c) => send(await jobs.state(c.req.param('id'))));
}
