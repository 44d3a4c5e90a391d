// A hello world of bare Hono on @hono/node-server, answering /health as the generated app
// does: what the app adds to the framework costs the difference. Both packages come from the
// generated hono app (BENCH_APP_DIR), so this repo does not depend on them: the types below
// are the little of their API used here.

import { createRequire } from 'node:module';
import { join } from 'node:path';

interface HonoApp {
  get(path: string, handler: (context: { json(body: unknown): Response }) => Response): unknown;
  fetch(request: Request): Response | Promise<Response>;
}
interface NodeServer {
  serve(options: { fetch: HonoApp['fetch']; port: number; hostname?: string }): unknown;
}

const fromApp = createRequire(join(String(process.env['BENCH_APP_DIR']), 'package.json'));
const { Hono } = fromApp('hono') as { Hono: new () => HonoApp };
const { serve } = fromApp('@hono/node-server') as NodeServer;

const app = new Hono();
app.get('/health', (context) => context.json({ status: 'ok' }));
// Hono's fetch is an arrow function property: passing it unbound is how its docs do it
serve({ fetch: app.fetch, port: Number(process.env['PORT']), hostname: process.env['HOST'] });
