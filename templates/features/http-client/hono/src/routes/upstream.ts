import { Hono } from 'hono';
import type { Upstream } from '../upstream/service.js';

// POOL-5..7: the logic is in Upstream; this only wires it
export function upstreamRoutes(upstream: Upstream) {
  return new Hono()
    .get('/api/upstream', async () => {
      const { status, headers, body } = await upstream.get();
      return Response.json(body, { status, headers });
    })
    .post('/api/upstream', async (c) => {
      const sent: unknown = await c.req.json().catch(() => undefined);
      const { status, headers, body } = await upstream.post(sent);
      return Response.json(body, { status, headers });
    });
}
