import type { EnvVar, Feature } from './types.js';

const env: EnvVar[] = [
  {
    name: 'WORKER_THREADS',
    schema: 'int(1, 1024)',
    doc: 'Threads of the worker pool for CPU-heavy work; one less than the cores when unset (WORK-2)',
  },
  {
    name: 'WORKER_QUEUE_MAX',
    schema: 'int(1, 1_000_000)',
    doc: 'Most tasks waiting for a thread; the next gets 503 with Retry-After. Four per thread when unset (WORK-2)',
  },
];

/** WORK-2: a worker-thread pool for CPU-heavy work, and /api/hash that uses it */
export const workers: Feature = {
  id: 'workers',
  applies: (answers) => answers.workers,
  layers: (answers) => ['features/workers/common', `features/workers/${answers.framework}`],
  dependencies: () => ['piscina'],
  env: () => env,
  readme: () => ['features/workers/readme/section.md'],
  callsWithSpan: true,
  slots: () => ({
    'config.imports': ["import { workersSettings } from './settings/workers.js';"],
    'config.sections': ['workers: workersSettings(e),'],
    'context.imports': [
      "import type { Hasher } from './hash/service.js';",
      "import type { WorkerPool } from './perf/worker-pool.js';",
      "import { setupWorkers } from './setup/workers.js';",
    ],
    'context.fields': ['workers: WorkerPool;', 'hasher: Hasher;'],
    'context.create': ['const { workers, hasher } = setupWorkers(config, lifecycle);'],
    'context.values': ['workers,', 'hasher,'],
    'readme.routes': [
      '| `GET /api/hash?rounds=N` | `N` chained SHA-256 rounds (10,000 by default) computed in the worker pool: 200 with the digest, 503 with `Retry-After` when the pool is full |',
    ],
  }),
  // OBS-3: the span the tracing test looks for on the route
  contributes: () => [
    {
      to: 'tracing',
      slots: {
        'tracing.routes': ["routes.push({ path: '/api/hash', scopes: [], span: 'hash.compute' });"],
      },
    },
  ],
  wiring: {
    fastify: {
      'app.imports': ["import { hashRoutes } from './routes/hash.js';"],
      'app.routes': ['await app.register(hashRoutes, { hasher: context.hasher });'],
    },
    express: {
      'app.imports': ["import { hashRoutes } from './routes/hash.js';"],
      'app.routes': ['app.use(hashRoutes(context.hasher));'],
    },
    hono: {
      'app.imports': ["import { hashRoutes } from './routes/hash.js';"],
      'app.routes': ["app.route('/', hashRoutes(context.hasher));"],
    },
  },
};
