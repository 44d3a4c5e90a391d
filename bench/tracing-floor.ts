/**
 * Run by bench/tracing.ts, pinned to the servers' CPU: what the OpenTelemetry SDK alone costs
 * for the four spans a kept trace of `GET /api/db/items/1` holds in a generated Fastify app
 * (the request's, @fastify/otel's route span, `db-items.get` and the query's), with the same
 * names, kinds, parents and attributes, made in a loop: no server, no framework, no query.
 *
 *   node --import tsx bench/tracing-floor.ts APP_DIR RECEIVER_URL [--once]
 *
 * The SDK is the app's own (its node_modules, set up as src/perf/tracing/sdk.ts does: NodeSDK,
 * the OTLP/HTTP protobuf exporter, a batch processor), exporting to the benchmark's discarding
 * receiver; once more with an exporter that takes each batch without encoding or sending it.
 * Prints one JSON line: µs of this process's CPU per request, the median of the rounds, for
 * each. Figures from a loop, for what the library's part of the app's figure is, not a target.
 * `--once` makes one request's spans, exports them and prints nothing: test/e2e/tracing.test.ts
 * holds them against a kept trace of the app's own, so that this follows when the app's spans
 * change.
 */

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { median } from './stats.js';

const [appDir, receiver, mode] = process.argv.slice(2);
if (!appDir || !receiver || (mode !== undefined && mode !== '--once')) {
  throw new Error('usage: tracing-floor.ts APP_DIR RECEIVER_URL [--once]');
}

// the parts of @opentelemetry/api and the SDK this script calls (the tool does not depend on
// them: they are the app's)
type Attributes = Record<string, string | number>;
interface SpanOptions {
  kind?: number;
  attributes?: Attributes;
}
interface Span {
  setAttribute(key: string, value: string | number): void;
  setAttributes(attributes: Attributes): void;
  updateName(name: string): void;
  end(): void;
}
interface Tracer {
  startSpan(name: string, options?: SpanOptions): Span;
  /** `fn` in the span's context, as a child's parent */
  startActiveSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => T): T;
}
interface Api {
  trace: { getTracer(name: string): Tracer };
  SpanKind: { SERVER: number; INTERNAL: number; CLIENT: number };
}
type ExportCallback = (result: { code: number }) => void;
interface Exporter {
  export(spans: unknown[], done: ExportCallback): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}
interface Sdk {
  start(): void;
  shutdown(): Promise<void>;
}

const fromApp = createRequire(join(appDir, 'package.json'));
// the app's own spans are its tracer's, named after its package
const { name: appName } = fromApp('./package.json') as { name: string };
const api = fromApp('@opentelemetry/api') as Api;
const { NodeSDK } = fromApp('@opentelemetry/sdk-node') as {
  NodeSDK: new (options: Record<string, unknown>) => Sdk;
};
const { OTLPTraceExporter } = fromApp('@opentelemetry/exporter-trace-otlp-proto') as {
  OTLPTraceExporter: new (options: { url: string }) => Exporter;
};

const otlp = new OTLPTraceExporter({ url: `${receiver}/v1/traces` });
let encode = true;
/** spans the batch processor handed on: 4 a request, unless its queue was full */
let handedOn = 0;
const exporter: Exporter = {
  export(spans, done) {
    handedOn += spans.length;
    if (encode) otlp.export(spans, done);
    else done({ code: 0 });
  },
  shutdown: () => otlp.shutdown(),
  forceFlush: () => otlp.forceFlush?.() ?? Promise.resolve(),
};
const sdk = new NodeSDK({
  serviceName: 'tracing-floor',
  traceExporter: exporter,
  instrumentations: [],
  metricReaders: [],
  logRecordProcessors: [],
});
sdk.start();

const { trace, SpanKind } = api;
const requests = trace.getTracer('http-server');
const routes = trace.getTracer('@fastify/otel');
const steps = trace.getTracer(appName);
const queries = trace.getTracer('pg');
const route = '/api/db/items/:id';
const query = 'SELECT id, name, price_cents AS "priceCents", tags FROM items WHERE id = $1';
// what both the request's span and the route's record of the request
const requested = { 'http.request.method': 'GET', 'url.path': '/api/db/items/1' };

/** one request's spans, as the app makes them for `GET /api/db/items/1` in a kept trace */
async function request(n: number): Promise<void> {
  await requests.startActiveSpan('GET', { kind: SpanKind.SERVER }, async (span) => {
    // the server's span gets its attributes once the sampler has kept it (requests.ts)
    span.setAttributes({
      ...requested,
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
      'network.peer.address': '127.0.0.1',
      'network.peer.port': 40_000 + (n % 1000),
      'client.address': '127.0.0.1',
      'user_agent.original': 'wrk',
      'server.address': '127.0.0.1',
      'server.port': 3000,
    });
    const routeOptions = {
      kind: SpanKind.INTERNAL,
      attributes: { ...requested, 'fastify.root': '@fastify/otel', 'http.route': route },
    };
    await routes.startActiveSpan('request', routeOptions, async (routeSpan) => {
      const stepOptions = { attributes: { 'item.id': 1 } };
      await steps.startActiveSpan('db-items.get', stepOptions, async (step) => {
        const querySpan = queries.startSpan('SELECT test', {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system.name': 'postgresql',
            'server.address': '127.0.0.1',
            'server.port': 5432,
            'db.namespace': 'test',
            'db.operation.name': 'SELECT',
            'db.query.text': query,
          },
        });
        // the query's answer comes in a later turn of the event loop
        await new Promise(setImmediate);
        querySpan.end();
        step.end();
      });
      routeSpan.setAttribute('http.response.status_code', 200);
      routeSpan.end();
    });
    span.setAttribute('http.response.status_code', 200);
    span.setAttribute('http.route', route);
    span.updateName(`GET ${route}`);
    span.end();
  });
}

/** µs of CPU per request over `count` requests, 50 at a time as wrk's connections are */
async function cpuPerRequest(count: number): Promise<number> {
  const before = process.cpuUsage();
  for (let done = 0; done < count; done += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, index) => request(done + index)));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

if (mode === '--once') {
  await request(0);
  await sdk.shutdown();
  process.exit(0);
}

const rounds = { exported: [] as number[], created: [] as number[] };
const perRound = 20_000;
// a round to warm up, then each kind of round five times
const requestsMade = perRound * 11;
await cpuPerRequest(perRound);
for (let round = 0; round < 5; round++) {
  encode = true;
  rounds.exported.push(await cpuPerRequest(perRound));
  encode = false;
  rounds.created.push(await cpuPerRequest(perRound));
}
await sdk.shutdown();
console.log(
  JSON.stringify({
    exported: median(rounds.exported),
    created: median(rounds.created),
    // what share of the spans reached the exporter by the shutdown's flush (the rest were
    // dropped: a full queue)
    handedOn: handedOn / (requestsMade * 4),
  }),
);
