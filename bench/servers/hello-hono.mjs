// @ts-check
// A hello world of bare Hono on @hono/node-server, answering /health as the generated app
// does: what the app adds to the framework costs the difference. Both packages come from the
// generated hono app (BENCH_APP_DIR).

import { createRequire } from 'node:module';
import { join } from 'node:path';

const fromApp = createRequire(join(String(process.env['BENCH_APP_DIR']), 'package.json'));
const { Hono } = fromApp('hono');
const { serve } = fromApp('@hono/node-server');

const app = new Hono();
app.get(
  '/health',
  /** @param {{ json(body: unknown): Response }} context */
  (context) => context.json({ status: 'ok' }),
);
serve({ fetch: app.fetch, port: Number(process.env['PORT']), hostname: process.env['HOST'] });
