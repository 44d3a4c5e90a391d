import { Hono } from 'hono';
import { parseRounds, roundsError, type Hasher } from '../hash/service.js';

// WORK-2: the work runs in the worker pool; this only wires it
export function hashRoutes(hasher: Hasher) {
  return new Hono().get('/api/hash', async (c) => {
    const rounds = parseRounds(c.req.query('rounds'));
    if (rounds === undefined) return c.json({ error: roundsError }, 400);
    // aborted by @hono/node-server when the client goes away
    const { status, headers, body } = await hasher.hash(rounds, c.req.raw.signal);
    return Response.json(body, { status, headers });
  });
}
