import type { Answers, Framework } from '../options.js';
import type { PackageName } from '../versions.js';
import type { EnvVar, Feature } from './types.js';

const traced = (answers: Answers) => answers.tracing === 'otlp';

/** OBS-2: what traces each framework's routes (its routes.ts); Hono has none, so ours */
const routePackages: Record<Framework, PackageName[]> = {
  fastify: ['@fastify/otel'],
  express: ['@opentelemetry/instrumentation-express'],
  hono: [],
};

function packages(answers: Answers): PackageName[] {
  return [
    '@opentelemetry/api',
    '@opentelemetry/core',
    '@opentelemetry/sdk-node',
    '@opentelemetry/sdk-trace',
    '@opentelemetry/exporter-trace-otlp-proto',
    'import-in-the-middle',
    ...routePackages[answers.framework],
  ];
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
    schema: 'v.string()',
    doc: 'The service name on every span; the package name when unset (OBS-1)',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    schema: 'url()',
    doc: "The collector's OTLP/HTTP receiver, like http://collector:4318; http://localhost:4318 when unset (OBS-1)",
  },
  {
    name: 'OTEL_TRACES_SAMPLER',
    schema: 'oneOf(samplers)',
    default: 'parentbased_traceidratio',
    doc: "Which traces are kept; the parentbased ones follow the caller's choice when there is one (OBS-4)",
  },
  {
    name: 'OTEL_TRACES_SAMPLER_ARG',
    schema: 'share()',
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

/** OBS-1..4: OpenTelemetry, loaded before the app */
export const tracing: Feature = {
  id: 'tracing',
  applies: traced,
  // the framework's layer holds the instrumentation of its routes (routes.ts)
  layers: (answers) => ['features/tracing/otlp', `features/tracing/${answers.framework}`],
  dependencies: packages,
  // the OTLP exporter's protobufjs has a postinstall that only checks its own versions
  installScripts: () => ({ protobufjs: false }),
  // the project's tracing test reads the spans the app exports in protobuf
  devDependencies: () => ['protobufjs'],
  preload: () => ['perf/tracing/register'],
  readme: () => ['features/tracing/readme/section.md'],
  env: () => env,
  slots: (answers) => ({
    'config.imports': ["import { samplers, tracingSettings } from './settings/tracing.js';"],
    'config.sections': ['tracing: tracingSettings(e, appName),'],
    'context.imports': [
      "import { traceRequests } from './perf/tracing/requests.js';",
      "import { stopTracing } from './perf/tracing/sdk.js';",
    ],
    'context.create': [
      [
        '// OBS-1: closed last, so that the spans of the whole shutdown are sent',
        'lifecycle.onClose(stopTracing);',
      ].join('\n'),
    ],
    // OBS-2: the span of every request the server takes (perf/tracing/requests.ts)
    'context.values': ['traceRequests,'],
    'bench.imports': ["import { tracingRows } from './tracing.js';"],
    'bench.suites': [`rows.push(...(await tracingRows('${benchPath(answers)}')));`],
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
