// Tracing across real processes: the built app with its preload exports to an OTLP/HTTP
// receiver on loopback, for every framework (OBS-1..4).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDir, boot, type BootedApp } from '../helpers/e2e.js';
import { optionSets } from './sets.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const preload = '--import ./dist/perf/tracing/register.js';

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

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  scope: string;
  attributes: Record<string, unknown>;
}

type OtlpValue = Record<string, unknown>;
interface OtlpExport {
  resourceSpans?: {
    scopeSpans?: {
      scope?: { name?: string };
      spans?: (Omit<Span, 'scope' | 'attributes'> & {
        attributes?: { key: string; value: OtlpValue }[];
      })[];
    }[];
  }[];
}

/** a collector's OTLP/HTTP receiver on loopback that keeps every span; also a JSON upstream */
async function collector() {
  const spans: Span[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as OtlpExport;
        for (const resource of body.resourceSpans ?? []) {
          for (const { scope, spans: batch = [] } of resource.scopeSpans ?? []) {
            for (const { attributes = [], ...span } of batch) {
              const values = attributes.map(({ key, value }) => [key, Object.values(value)[0]]);
              spans.push({
                ...span,
                scope: scope?.name ?? '',
                attributes: Object.fromEntries(values),
              });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pathOf = (span: Span) =>
    String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '').split('?')[0];
  return {
    url,
    spans,
    /** the spans of the trace of the (one) incoming request to `path` */
    traceOf(path: string): Span[] {
      const incoming = spans.filter(
        (span) => span.scope === '@opentelemetry/instrumentation-http' && pathOf(span) === path,
      );
      expect(incoming, `incoming requests to ${path}`).toHaveLength(1);
      return spans.filter((span) => span.traceId === incoming[0]?.traceId);
    },
    incoming: (path: string) =>
      spans.filter(
        (span) => span.scope === '@opentelemetry/instrumentation-http' && pathOf(span) === path,
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function stop(app: BootedApp): Promise<number | undefined> {
  app.process.kill('SIGTERM');
  return (await app.process).exitCode;
}

// the shared services: without DATABASE_URL a database set would start an embedded Postgres
const services = {
  DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
};

const routeScope = {
  fastify: '@fastify/otel',
  express: '@opentelemetry/instrumentation-express',
  hono: 'hono',
};

describe.each(sets)('$id', (set) => {
  const dir = appDir(set);
  const { db, cache, httpClient, framework } = set.answers;

  it('OBS-1: npm start loads the tracing preload before the app', async () => {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start']).toContain(`${preload} dist/main.js`);
    expect(await readFile(join(dir, 'Dockerfile'), 'utf8')).toContain(
      '"--import", "./dist/perf/tracing/register.js", "dist/main.js"',
    );
  });

  it('OBS-1..3: each request makes one trace: the request, the route, its pg / Redis / upstream spans and its own span', async () => {
    const otlp = await collector();
    const app = await boot(dir, {
      NODE_OPTIONS: preload,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      ...services,
      UPSTREAM_URL: `${otlp.url}/upstream`,
    });
    const expected: { path: string; scopes: string[]; own?: string }[] = [];
    if (db === 'postgres') {
      expected.push({
        path: '/api/db/items/1',
        scopes: ['@opentelemetry/instrumentation-pg'],
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
      expect(request?.scope, names).toBe('@opentelemetry/instrumentation-http');
      expect(request?.attributes['http.route'], names).toMatch(/^\/api\//);
      const found = new Set(trace.map((span) => span.scope));
      for (const scope of [routeScope[framework], ...scopes]) expect(found, names).toContain(scope);
      if (own) {
        const mine = trace.find((span) => span.name === own);
        expect(mine?.scope, names).toBe(`e2e-${set.id}`);
        expect(mine?.parentSpanId, names).toBeTruthy();
      }
    }
    // OBS-2: probes are not traced
    expect(otlp.incoming('/health')).toEqual([]);
    expect(otlp.incoming('/ready')).toEqual([]);
  });

  it('OBS-1, WORK-3: in a cluster each worker loads the preload and exports; the primary starts no SDK', async () => {
    const otlp = await collector();
    const app = await boot(dir, {
      NODE_OPTIONS: preload,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      WEB_CONCURRENCY: '2',
      ...services,
    });
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
    const otlp = await collector();
    const app = await boot(dir, {
      NODE_OPTIONS: preload,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_TRACES_SAMPLER: 'always_off',
      ...services,
    });
    try {
      for (let i = 0; i < 5; i++) await fetch(`${app.url}/no-such-route`);
    } finally {
      expect(await stop(app), app.output()).toBe(0);
      await otlp.close();
    }
    expect(otlp.spans).toEqual([]);
  });

  it('OBS-1: SIGTERM sends the spans still waiting in the batch before the process exits', async () => {
    const otlp = await collector();
    const app = await boot(dir, {
      NODE_OPTIONS: preload,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      ...services,
    });
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
