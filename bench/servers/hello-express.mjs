// @ts-check
// A hello world of bare Express, answering /health as the generated app does: what the app
// adds to the framework (its middleware and hooks) costs the difference. Express comes from
// the generated express app (BENCH_APP_DIR).

import { createRequire } from 'node:module';
import { join } from 'node:path';

const fromApp = createRequire(join(String(process.env['BENCH_APP_DIR']), 'package.json'));
const express = fromApp('express');

const app = express();
app.get(
  '/health',
  /** @param {unknown} _request @param {{ json(body: unknown): void }} response */
  (_request, response) => {
    response.json({ status: 'ok' });
  },
);
app.listen(Number(process.env['PORT']), String(process.env['HOST']));
