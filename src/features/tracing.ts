import type { Answers, Framework } from '../options.js';
import type { PackageName } from '../versions.js';
import type { EnvVar, Feature } from './types.js';

const traced = (answers: Answers) => answers.tracing === 'otlp';

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
        "// the request span names the route; a span per hook (compression's onSend) and one for",
        "// the handler made three of them, and the route's own work has its withSpan span",
        'new FastifyOtelInstrumentation({',
        '  registerOnInitialization: true,',
        '  instrumentHooks: false,',
        '  instrumentHandler: false,',
        '  ignorePaths: ({ url }) => isProbe(url),',
        '}),',
      ].join('\n'),
    ],
  },
  express: {
    imports: [
      "import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';",
    ],
    entries: [
      [
        "// the route's handler only: a span per middleware (jsonParser, compression) and per",
        '// router (each is one app.use) came on every request',
        'new ExpressInstrumentation({',
        '  ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER],',
        '}),',
      ].join('\n'),
    ],
  },
  hono: {
    imports: [],
    entries: ["// Hono's routes: the traceRoutes() middleware in src/app.ts (hono-routes.ts)"],
  },
};

// the libraries of the other options are added by each (`contributes` in its feature file)
function instrumentationSlots(answers: Answers) {
  const { imports, entries } = frameworkInstrumentation[answers.framework];
  return { 'tracing.imports': imports, 'tracing.instrumentations': entries };
}

function packages(answers: Answers): PackageName[] {
  return [
    '@opentelemetry/api',
    '@opentelemetry/core',
    '@opentelemetry/sdk-node',
    '@opentelemetry/sdk-trace',
    '@opentelemetry/exporter-trace-otlp-proto',
    '@opentelemetry/instrumentation-http',
    'import-in-the-middle',
    ...routeTracing[answers.framework].packages,
  ];
}

/**
 * The project's own tracing test: the instrumentation of the framework's routes. Each option
 * with sample routes adds them, with the clients whose spans a request must hold and its own
 * span (`tracing.routes` in its `contributes`).
 */
function tracedRoutes(answers: Answers): string[] {
  return [`const routeScope = '${routeTracing[answers.framework].scope}';`];
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
  // the OTLP exporter's protobufjs has a postinstall that only checks its own versions
  installScripts: () => ({ protobufjs: false }),
  // the project's tracing test reads the spans the app exports in protobuf
  devDependencies: () => ['protobufjs'],
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
    // the job worker's spans too, once its last job has ended
    'worker.imports': ["import { stopTracing } from './perf/tracing/sdk.js';"],
    'worker.close': ['await stopTracing(config.tracing.flushTimeoutMs);'],
    ...instrumentationSlots(answers),
    'tracing.routes': tracedRoutes(answers),
    'bench.imports': ["import { tracingRows } from './tracing.js';"],
    'bench.suites': [`rows.push(...(await tracingRows('${benchPath(answers)}')));`],
    'readme.sections': [readmeSection(answers)],
  }),
  // RUN-4: a collector beside the app in compose.yaml (deploy/otel-collector.yaml)
  deploy: () => ({
    services: {
      'otel-collector': {
        template: 'compose/otel-collector.yaml.hbs',
        appWaitsFor: 'service_started',
      },
    },
    settings: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318' },
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

/**
 * OBS-3 without tracing: the code of a feature that `callsWithSpan` still calls it, and gets the
 * version that only runs the call. `all` gives every feature (a function: they are listed after)
 */
export function untracedSpans(all: () => readonly Feature[]): Feature {
  return {
    id: 'spans',
    applies: (answers) =>
      !traced(answers) &&
      all().some((feature) => feature.callsWithSpan === true && feature.applies(answers)),
    layers: () => ['features/tracing/none'],
  };
}
