// A hello world of bare Express, answering /health as the generated app does: what the app
// adds to the framework (its middleware and hooks) costs the difference. Express comes from
// the generated express app (BENCH_APP_DIR), so this repo does not depend on it: the types
// below are the little of its API used here.

import { createRequire } from 'node:module';
import { join } from 'node:path';

interface ExpressApp {
  get(
    path: string,
    handler: (request: unknown, response: { json(body: unknown): void }) => void,
  ): void;
  listen(port: number, host: string): unknown;
}

const fromApp = createRequire(join(String(process.env['BENCH_APP_DIR']), 'package.json'));
const express = fromApp('express') as () => ExpressApp;

const app = express();
app.get('/health', (_request, response) => {
  response.json({ status: 'ok' });
});
app.listen(Number(process.env['PORT']), String(process.env['HOST']));
