import type { EnvVar, Feature } from './types.js';

const env: EnvVar[] = [
  {
    name: 'UPSTREAM_URL',
    schema: 'url()',
    doc: "What /api/upstream calls; when unset, this server's own /health on PORT, so the route works out of the box",
  },
  {
    name: 'HTTP_CLIENT_CONNECTIONS',
    schema: 'int(1, 10_000)',
    default: 50,
    doc: 'Most connections to one upstream origin; calls beyond that wait for a free one (POOL-5)',
  },
  {
    name: 'HTTP_CLIENT_KEEP_ALIVE_MS',
    schema: 'int(100, 600_000)',
    default: 4000,
    doc: "How long an idle connection is kept for the next call; below the upstream's own keep-alive (POOL-5)",
  },
  {
    name: 'HTTP_CLIENT_CONNECT_TIMEOUT_MS',
    schema: 'int(100, 60_000)',
    default: 2000,
    doc: 'Longest wait for a connection to an upstream (POOL-6)',
  },
  {
    name: 'HTTP_CLIENT_HEADERS_TIMEOUT_MS',
    schema: 'int(100, 600_000)',
    default: 5000,
    doc: "Longest wait for an upstream's response headers (POOL-6)",
  },
  {
    name: 'HTTP_CLIENT_BODY_TIMEOUT_MS',
    schema: 'int(100, 600_000)',
    default: 10_000,
    doc: "Longest silence while an upstream's response body arrives (POOL-6)",
  },
  {
    name: 'HTTP_CLIENT_MAX_RESPONSE_BYTES',
    schema: 'int(1024, 1_073_741_824)',
    default: 10 * 1024 * 1024,
    doc: 'Largest upstream response body read; a bigger one fails the call (POOL-5)',
  },
  {
    name: 'HTTP_CLIENT_RETRIES',
    schema: 'int(0, 10)',
    default: 2,
    doc: 'Attempts after the first, for idempotent methods on 429, 500, 502, 503, 504 and connection errors (POOL-6)',
  },
  {
    name: 'HTTP_CLIENT_RETRY_BASE_MS',
    schema: 'int(1, 60_000)',
    default: 100,
    doc: 'First backoff before a retry; it doubles with each attempt, with jitter (POOL-6)',
  },
  {
    name: 'HTTP_CLIENT_RETRY_MAX_MS',
    schema: 'int(1, 600_000)',
    default: 2000,
    doc: 'Longest wait before a retry; a Retry-After above it is not waited for (POOL-6)',
  },
  {
    name: 'HTTP_CLIENT_CIRCUIT_FAILURES',
    schema: 'int(1, 1000)',
    default: 5,
    doc: 'Failed calls in a row, each after its retries, that open the circuit to an upstream (POOL-7)',
  },
  {
    name: 'HTTP_CLIENT_CIRCUIT_COOL_DOWN_MS',
    schema: 'int(100, 3_600_000)',
    default: 10_000,
    doc: 'How long an open circuit answers at once before one call probes the upstream (POOL-7)',
  },
];

const readmeSection = [
  '',
  '## Outbound HTTP',
  '',
  'Every outbound call goes through one undici `Agent` (`src/perf/http-client/client.ts`):',
  'at most `HTTP_CLIENT_CONNECTIONS` keep-alive connections per origin, and connect, headers',
  'and body timeouts. Idempotent calls (not POST) are retried `HTTP_CLIENT_RETRIES` times on',
  '429, 500, 502, 503, 504 and connection errors, with exponential backoff and jitter, waiting',
  'as long as a `Retry-After` says when it is not above `HTTP_CLIENT_RETRY_MAX_MS`',
  '(`retry.ts`). Each upstream origin has a circuit breaker (`breaker.ts`): after',
  '`HTTP_CLIENT_CIRCUIT_FAILURES` failed calls in a row it answers at once for',
  '`HTTP_CLIENT_CIRCUIT_COOL_DOWN_MS`, then lets one call probe the upstream. `/ready` reports',
  'an open circuit as `degraded` and stays 200: the app still serves everything else.',
].join('\n');

/** POOL-5..7: one undici pool, retries with backoff, a circuit breaker, and /api/upstream */
export const httpClient: Feature = {
  id: 'http-client',
  applies: (answers) => answers.httpClient,
  callsWithSpan: true,
  layers: (answers) => ['features/http-client/common', `features/http-client/${answers.framework}`],
  dependencies: () => ['undici', 'cockatiel'],
  env: () => env,
  slots: () => ({
    'config.imports': ["import { httpClientSettings } from './settings/http-client.js';"],
    'config.sections': ['httpClient: httpClientSettings(e),'],
    'context.imports': [
      "import type { HttpClient } from './perf/http-client/client.js';",
      "import { setupHttpClient } from './setup/http-client.js';",
      "import type { Upstream } from './upstream/service.js';",
    ],
    'context.fields': ['httpClient: HttpClient;', 'upstream: Upstream;'],
    'context.create': [
      'const { httpClient, upstream } = setupHttpClient(config, logger, lifecycle);',
    ],
    'context.values': ['httpClient,', 'upstream,'],
    'readme.routes': [
      '| `GET /api/upstream` | `UPSTREAM_URL` through the shared pool: 200 with its JSON, 502 once retries are spent, 503 with `Retry-After` while its circuit is open |',
      '| `POST /api/upstream` | sends the JSON body to `UPSTREAM_URL` once: never retried |',
    ],
    'readme.sections': [readmeSection],
  }),
  // OBS-2: undici's spans, and what the tracing test checks of the route (not profiled by
  // default: its time is the upstream's, and UPSTREAM_URL may not answer there)
  contributes: () => [
    {
      to: 'tracing',
      dependencies: ['@opentelemetry/instrumentation-undici'],
      slots: {
        'tracing.imports': [
          "import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';",
        ],
        'tracing.instrumentations': ['new UndiciInstrumentation({ requireParentforSpans: true }),'],
        'tracing.routes': [
          "const undici = '@opentelemetry/instrumentation-undici';",
          "routes.push({ path: '/api/upstream', scopes: [undici], span: 'upstream.call' });",
        ],
      },
    },
  ],
  wiring: {
    fastify: {
      'app.imports': ["import { upstreamRoutes } from './routes/upstream.js';"],
      'app.routes': ['await app.register(upstreamRoutes, { upstream: context.upstream });'],
    },
    express: {
      'app.imports': ["import { upstreamRoutes } from './routes/upstream.js';"],
      'app.routes': ['app.use(upstreamRoutes(context.upstream));'],
    },
    hono: {
      'app.imports': ["import { upstreamRoutes } from './routes/upstream.js';"],
      'app.routes': ["app.route('/', upstreamRoutes(context.upstream));"],
    },
  },
};
