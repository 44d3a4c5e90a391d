import { Hono } from 'hono';
import type { Readiness } from '../perf/readiness.js';

// RUN-1
export function healthRoutes(readiness: Readiness): Hono {
  return new Hono()
    .get('/health', (c) => c.json({ status: 'ok' }))
    .get('/ready', async (c) => {
      const { ready, body } = await readiness.report();
      return c.json(body, ready ? 200 : 503);
    });
}
