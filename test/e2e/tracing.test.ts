// Tracing across real processes: the built app with its preload exports to an OTLP/HTTP
// receiver on loopback, for every framework (OBS-1..4).

import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appDir,
  boot,
  repoRoot,
  sharedServices,
  tracingPreload,
  type BootedApp,
} from '../helpers/e2e.js';
import { otlpReceiver, type Span } from '../helpers/otlp.js';
import { optionSets } from './sets.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** per framework, the traced set with the most to trace */
const sets = [
  ...new Map(
    optionSets
      .filter((set) => set.answers.tracing === 'otlp')
      .map((set) => {
        const { db, cache, httpClient } = set.answers;
        const weight = Number(db !== 'none') + Number(cache !== 'none') + Number(httpClient);
        return { set, weight };
      })
      .sort((a, b) => a.weight - b.weight)
      .map(({ set }) => [set.answers.framework, set] as const),
  ).values(),
];

async function stop(app: BootedApp): Promise<number | undefined> {
  app.process.kill('SIGTERM');
  return (await app.process).exitCode;
}

const routeScope = {
  fastify: '@fastify/otel',
  express: '@opentelemetry/instrumentation-express',
  hono: 'hono',
};

/**
 * a trace as the spans' shape: each span's depth under the request's, scope, name, kind and
 * attribute names (their values are the request's own: ports, times)
 */
function shapeOf(trace: Span[]) {
  const depth = (span: Span): number => {
    const parent = trace.find((other) => other.spanId === span.parentSpanId);
    return parent ? depth(parent) + 1 : 0;
  };
  return trace
    .map((span) => ({
      depth: depth(span),
      scope: span.scope,
      name: span.name,
      kind: span.kind,
      attributes: Object.keys(span.attributes).sort(),
    }))
    .sort((a, b) => a.depth - b.depth);
}

describe.each(sets)('$id', (set) => {
  const dir = appDir(set);
  const { db, cache, httpClient, framework } = set.answers;

  /** the built app with its tracing preload, exporting to `otlp`, with the shared services */
  const bootTraced = (otlp: { url: string }, env: Record<string, string> = {}) =>
    boot(dir, {
      NODE_OPTIONS: tracingPreload,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      ...sharedServices,
      ...env,
    });

  it('OBS-1: npm start loads the tracing preload before the app', async () => {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start']).toContain(`${tracingPreload} dist/main.js`);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toContain(
      '"--import", "./dist/perf/tracing/register.js", "dist/main.js"',
    );
  });

  it('OBS-1..3: each request makes one trace: the request, the route, its pg / Redis / upstream spans and its own span', async () => {
    const otlp = await otlpReceiver();
    const app = await bootTraced(otlp, {
      OTEL_BSP_SCHEDULE_DELAY: '100',
      UPSTREAM_URL: `${otlp.url}/upstream`,
    });
    const expected: { path: string; scopes: string[]; own?: string }[] = [];
    if (db === 'postgres') {
      expected.push({
        path: '/api/db/items/1',
        scopes: ['pg'],
        own: 'db-items.get',
      });
    }
    if (cache === 'redis' || cache === 'tiered') {
      expected.push({ path: '/api/items/1', scopes: ['@opentelemetry/instrumentation-ioredis'] });
    }
    if (httpClient) {
      expected.push({
        path: '/api/upstream',
        scopes: ['@opentelemetry/instrumentation-undici'],
        own: 'upstream.call',
      });
    }
    try {
      await fetch(`${app.url}/health`);
      await fetch(`${app.url}/ready`);
      for (const { path } of expected) expect((await fetch(`${app.url}${path}`)).status).toBe(200);
      await sleep(1000);
    } finally {
      expect(await stop(app), app.output()).toBe(0);
      await otlp.close();
    }
    expect(expected.length).toBeGreaterThan(0);
    for (const { path, scopes, own } of expected) {
      const trace = otlp.traceOf(path);
      const names = trace.map((span) => `${span.scope} ${span.name}`).join('\n');
      const request = trace.find((span) => !span.parentSpanId);
      expect(request?.scope, names).toBe('http-server');
      expect(request?.kind, names).toBe(2); // SERVER
      expect(request?.attributes['http.route'], names).toMatch(/^\/api\//);
      const found = new Set(trace.map((span) => span.scope));
      for (const scope of [routeScope[framework], ...scopes]) expect(found, names).toContain(scope);
      if (own) {
        const mine = trace.find((span) => span.name === own);
        expect(mine?.scope, names).toBe(`e2e-${set.id}`);
        expect(mine?.parentSpanId, names).toBeTruthy();
      }
    }
    // the query's span, made by the app's Database (perf/db/database.ts), not an instrumentation
    if (db === 'postgres') {
      const trace = otlp.traceOf('/api/db/items/1');
      const query = trace.find((span) => span.scope === 'pg');
      const own = trace.find((span) => span.name === 'db-items.get');
      expect(query).toMatchObject({ name: 'SELECT test', kind: 3, parentSpanId: own?.spanId });
      // (an int64 attribute arrives as its digits)
      expect({
        ...query?.attributes,
        'server.port': String(query?.attributes['server.port']),
      }).toEqual({
        'db.system.name': 'postgresql',
        'db.namespace': 'test',
        'db.operation.name': 'SELECT',
        'db.query.text': expect.stringMatching(/^SELECT [^]*\sFROM items WHERE id = \$1$/),
        'server.address': '127.0.0.1',
        'server.port': '5432',
      });
    }
    // OBS-2: probes are not traced
    expect(otlp.incoming('/health')).toEqual([]);
    expect(otlp.incoming('/ready')).toEqual([]);
  });

  // bench:tracing prints what the SDK alone costs for these spans (bench/tracing-floor.ts)
  it.runIf(framework === 'fastify' && db === 'postgres')(
    "OBS-2, OBS-3: bench:tracing's SDK floor makes the spans of a kept GET /api/db/items/1",
    async () => {
      const otlp = await otlpReceiver();
      const app = await bootTraced(otlp, { OTEL_BSP_SCHEDULE_DELAY: '100' });
      try {
        expect((await fetch(`${app.url}/api/db/items/1`)).status).toBe(200);
      } finally {
        expect(await stop(app), app.output()).toBe(0);
      }
      const floor = await otlpReceiver();
      try {
        const script = join(repoRoot, 'bench/tracing-floor.ts');
        await execa(process.execPath, ['--import', 'tsx', script, dir, floor.url, '--once'], {
          cwd: repoRoot,
        });
      } finally {
        await floor.close();
        await otlp.close();
      }
      const made = shapeOf(floor.spans);
      expect(made).toHaveLength(4);
      expect(made).toEqual(shapeOf(otlp.traceOf('/api/db/items/1')));
    },
  );

  it('OBS-1, WORK-3: in a cluster each worker loads the preload and exports; the primary starts no SDK', async () => {
    const otlp = await otlpReceiver();
    const app = await bootTraced(otlp, { WEB_CONCURRENCY: '2' });
    const lines = () =>
      app
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{') && line.endsWith('}'))
        .map((line) => JSON.parse(line) as { pid: number; msg: string; worker?: number });
    try {
      const deadline = Date.now() + 30_000;
      while (lines().filter((line) => line.msg === 'worker serving').length < 2) {
        if (Date.now() > deadline) throw new Error(`two workers never served:\n${app.output()}`);
        await sleep(50);
      }
      // a new connection each, so both workers answer some
      for (let i = 0; i < 10; i++) {
        await fetch(`${app.url}/no-such-route`, { headers: { connection: 'close' } });
      }
    } finally {
      expect(await stop(app), app.output()).toBe(0);
      await otlp.close();
    }
    const workers = lines()
      .filter((line) => line.msg === 'worker serving')
      .map((line) => line.worker);
    const tracing = lines().filter((line) => line.msg.startsWith('tracing:'));
    expect(tracing.map((line) => line.pid).sort()).toEqual(workers.sort());
    // every request's span reached the collector, flushed by the worker that served it
    expect(otlp.incoming('/no-such-route')).toHaveLength(10);
  });

  it('OBS-4: with OTEL_TRACES_SAMPLER=always_off nothing is sent', async () => {
    const otlp = await otlpReceiver();
    const app = await bootTraced(otlp, { OTEL_TRACES_SAMPLER: 'always_off' });
    try {
      for (let i = 0; i < 5; i++) await fetch(`${app.url}/no-such-route`);
    } finally {
      expect(await stop(app), app.output()).toBe(0);
      await otlp.close();
    }
    expect(otlp.spans).toEqual([]);
  });

  it('OBS-1: SIGTERM sends the spans still waiting in the batch before the process exits', async () => {
    const otlp = await otlpReceiver();
    const app = await bootTraced(otlp, { OTEL_BSP_SCHEDULE_DELAY: '600000' });
    try {
      for (let i = 0; i < 3; i++) await fetch(`${app.url}/no-such-route`);
      await sleep(300);
      expect(otlp.spans).toEqual([]); // still in the batch
    } finally {
      expect(await stop(app), app.output()).toBe(0);
    }
    await otlp.close();
    expect(otlp.incoming('/no-such-route')).toHaveLength(3);
  });
});
