import type { Answers, Framework } from '../options.js';
import type { PackageName } from '../versions.js';
import type { EnvVar, Feature } from './types.js';

const traced = (answers: Answers) => answers.tracing === 'otlp';
// the features whose sample routes call withSpan: without tracing they get its no-op version
const callsWithSpan = (answers: Answers) => answers.db !== 'none' || answers.httpClient;
const usesRedis = (answers: Answers) => answers.cache === 'redis' || answers.cache === 'tiered';

/** OBS-2: what traces each framework's routes; Hono has no instrumentation, so ours */
const routeTracing: Record<Framework, { packages: PackageName[]; scope: string }> = {
  fastify: { packages: ['@fastify/otel'], scope: '@fastify/otel' },
  express: {
    packages: ['@opentelemetry/instrumentation-express'],
    scope: '@opentelemetry/instrumentation-express',
  },
  hono: { packages: [], scope: 'hono' },
};

const frameworkInstrumentation: Record<Framework, { imports: string[]; entries: string[] }> = {
  fastify: {
    imports: ["import { FastifyOtelInstrumentation } from '@fastify/otel';"],
    entries: [
      [
        'new FastifyOtelInstrumentation({',
        '  registerOnInitialization: true,',
        '  ignorePaths: ({ url }) => isProbe(url),',
        '}),',
      ].join('\n'),
    ],
  },
  express: {
    imports: ["import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';"],
    entries: ['new ExpressInstrumentation(),'],
  },
  hono: {
    imports: [],
    entries: ["// Hono's routes: the traceRoutes() middleware in src/app.ts (hono-routes.ts)"],
  },
};

function instrumentationSlots(answers: Answers) {
  const imports = [...frameworkInstrumentation[answers.framework].imports];
  const entries = [...frameworkInstrumentation[answers.framework].entries];
  const add = (condition: boolean, line: string, entry: string) => {
    if (!condition) return;
    imports.push(line);
    entries.push(entry);
  };
  add(
    answers.db === 'postgres',
    "import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';",
    'new PgInstrumentation({ requireParentSpan: true }),',
  );
  add(
    usesRedis(answers),
    "import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';",
    'new IORedisInstrumentation({ requireParentSpan: true }),',
  );
  add(
    answers.httpClient,
    "import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';",
    'new UndiciInstrumentation({ requireParentforSpans: true }),',
  );
  return { 'tracing.imports': imports, 'tracing.instrumentations': entries };
}

function packages(answers: Answers): PackageName[] {
  return [
    '@opentelemetry/api',
    '@opentelemetry/core',
    '@opentelemetry/sdk-node',
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/instrumentation-http',
    'import-in-the-middle',
    ...routeTracing[answers.framework].packages,
    ...(answers.db === 'postgres' ? (['@opentelemetry/instrumentation-pg'] as const) : []),
    ...(usesRedis(answers) ? (['@opentelemetry/instrumentation-ioredis'] as const) : []),
    ...(answers.httpClient ? (['@opentelemetry/instrumentation-undici'] as const) : []),
  ];
}

/**
 * Statements of the project's own tracing test: the instrumentation of the framework's routes,
 * and each sample route with the clients whose spans a request to it must hold, and its own span.
 */
function tracedRoutes(answers: Answers): string[] {
  const lines = [`const routeScope = '${routeTracing[answers.framework].scope}';`];
  if (answers.db === 'postgres') {
    lines.push("routes.push({ path: '/api/db/items/1', clients: ['pg'], span: 'db-items.get' });");
  }
  if (answers.cache !== 'none') {
    lines.push(
      `routes.push({ path: '/api/items/2', clients: [${usesRedis(answers) ? "'ioredis'" : ''}] });`,
    );
  }
  // CACHE-15: a cache with an in-process tier answers hits before the framework
  if (answers.cache === 'memory' || answers.cache === 'tiered') {
    lines.push("frontRoutes.push({ path: '/api/items/3', route: '/api/items/:id' });");
  }
  if (answers.httpClient) {
    lines.push(
      "routes.push({ path: '/api/upstream', clients: ['undici'], span: 'upstream.call' });",
    );
  }
  return lines;
}

/** the route `npm run bench` compares with tracing off and on: one that does real work */
function benchPath(answers: Answers): string {
  if (answers.db === 'postgres') return '/api/db/items/1';
  if (answers.cache !== 'none') return '/api/items/1';
  if (answers.httpClient) return '/api/upstream';
  return '/health';
}

const env: EnvVar[] = [
  {
    name: 'OTEL_SERVICE_NAME',
    schema: 'z.string().min(1)',
    doc: 'The service name on every span; the package name when unset (OBS-1)',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    schema: 'z.url()',
    doc: "The collector's OTLP/HTTP receiver, like http://collector:4318; http://localhost:4318 when unset (OBS-1)",
  },
  {
    name: 'OTEL_TRACES_SAMPLER',
    schema: 'z.enum(samplers)',
    default: 'parentbased_traceidratio',
    doc: "Which traces are kept; the parentbased ones follow the caller's choice when there is one (OBS-4)",
  },
  {
    name: 'OTEL_TRACES_SAMPLER_ARG',
    schema: 'ratio',
    default: 1,
    doc: 'Share of new traces kept by the ratio samplers, from 0 to 1; lower it under heavy traffic (OBS-4)',
  },
  {
    name: 'TRACING_FLUSH_TIMEOUT_MS',
    schema: 'int(0, 60_000)',
    default: 2000,
    doc: 'Longest wait at shutdown for the last spans to reach the collector (OBS-1)',
  },
];

const readmeSection = (answers: Answers) =>
  [
    '',
    '## Tracing',
    '',
    'OpenTelemetry starts before the app: `npm start`, `npm run dev` and the Dockerfile load',
    '`src/perf/tracing/register.ts` with `node --import`, so the libraries the app uses are',
    'patched as they load (`src/perf/tracing/instrumentations.ts` lists them: incoming HTTP,',
    `the ${answers.framework} routes, and each client the app has). Spans go over OTLP/HTTP to`,
    '`OTEL_EXPORTER_OTLP_ENDPOINT`; the other standard variables (`OTEL_EXPORTER_OTLP_HEADERS`,',
    '`OTEL_RESOURCE_ATTRIBUTES`, `OTEL_BSP_*`, `OTEL_SDK_DISABLED=true`) work too. `/health` and',
    '`/ready` are not traced. Sampling is parent-based: a request that arrives with a',
    "`traceparent` keeps its caller's choice, others are kept at `OTEL_TRACES_SAMPLER_ARG`.",
    '`withSpan(name, attributes, fn)` (`src/perf/spans.ts`) adds a span of your own. On',
    'SIGTERM the spans still buffered are sent before the process exits.',
  ].join('\n');

/** OBS-1..4: OpenTelemetry, loaded before the app */
export const tracing: Feature = {
  id: 'tracing',
  applies: traced,
  layers: (answers) => [
    'features/tracing/otlp',
    ...(answers.framework === 'hono' ? ['features/tracing/hono'] : []),
  ],
  dependencies: packages,
  preload: () => ['perf/tracing/register'],
  env: () => env,
  slots: (answers) => ({
    'config.imports': ["import { ratio, samplers, tracingSettings } from './settings/tracing.js';"],
    'config.sections': ['tracing: tracingSettings(e, appName),'],
    'context.imports': ["import { stopTracing } from './perf/tracing/sdk.js';"],
    'context.create': [
      [
        '// OBS-1: closed last, so that the spans of the whole shutdown are sent',
        'lifecycle.onClose(() => stopTracing(config.tracing.flushTimeoutMs));',
      ].join('\n'),
    ],
    ...instrumentationSlots(answers),
    'tracing.routes': tracedRoutes(answers),
    'bench.imports': ["import { tracingRows } from './tracing.js';"],
    'bench.suites': [`rows.push(...(await tracingRows('${benchPath(answers)}')));`],
    'readme.sections': [readmeSection(answers)],
  }),
  wiring: {
    fastify: {},
    express: {},
    hono: {
      'app.imports': ["import { traceRoutes } from './perf/tracing/hono-routes.js';"],
      'app.plugins': ['app.use(traceRoutes());'],
    },
  },
};

/** OBS-3 without tracing: the sample routes still call withSpan, which then only runs the call */
export const untracedSpans: Feature = {
  id: 'spans',
  applies: (answers) => !traced(answers) && callsWithSpan(answers),
  layers: () => ['features/tracing/none'],
};
