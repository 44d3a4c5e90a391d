import type { Answers } from '../options.js';
import type { PackageName } from '../versions.js';
import { redisDeploy, redisTestService, redisUrl } from './redis.js';
import type { EnvVar, Feature } from './types.js';

type Backend = Answers['jobs'];

const packages: Record<Backend, PackageName[]> = {
  none: [],
  memory: ['p-queue'],
  bullmq: ['bullmq', 'ioredis'],
};

const commonEnv: EnvVar[] = [
  {
    name: 'JOBS_CONCURRENCY',
    schema: 'int(1, 1000)',
    default: 2,
    doc: 'Jobs one process runs at once (WORK-1)',
  },
  {
    name: 'JOBS_QUEUE_MAX',
    schema: 'int(1, 1_000_000)',
    default: 1000,
    doc: 'Most jobs waiting to run; past it POST /api/jobs answers 503 with Retry-After (WORK-1)',
  },
  {
    name: 'JOBS_KEEP_FINISHED',
    schema: 'int(1, 1_000_000)',
    default: 1000,
    doc: 'Finished jobs whose state GET /api/jobs/:id still answers; the oldest are forgotten first (WORK-1)',
  },
  {
    name: 'JOBS_KEEP_SECONDS',
    schema: 'int(1, 2_592_000)',
    default: 3600,
    doc: "Longest a finished job's state is kept (WORK-1)",
  },
];

const bullmqEnv: EnvVar[] = [
  {
    name: 'JOBS_PREFIX',
    schema: 'prefix()',
    doc: "Prefix of the queue's Redis keys, so that apps can share a Redis; the package name when unset",
  },
  {
    name: 'JOBS_ATTEMPTS',
    schema: 'int(1, 100)',
    default: 3,
    doc: 'Runs of a failing job before it is marked failed (WORK-1)',
  },
  {
    name: 'JOBS_BACKOFF_MS',
    schema: 'int(0, 3_600_000)',
    default: 1000,
    doc: 'Wait before the first retry of a failed job, doubled before each next one (WORK-1)',
  },
  {
    name: 'JOBS_LOCK_MS',
    schema: 'int(1000, 600_000)',
    default: 30_000,
    doc: "A job whose worker stopped (killed, out of memory) runs again on another after about this long; a live worker renews its job's lock twice in that time (WORK-1)",
  },
];

const readmeRoutes = [
  '| `POST /api/jobs` | queues the sample job (`{"rounds": N}`: N chained SHA-256 rounds, 10,000 by default): 202 with its id and a `Location` to its state; 503 with `Retry-After` when the queue is full |',
  "| `GET /api/jobs/:id` | the job's state (`queued`, `running`, `done` with its result, `failed` with its error); 404 for an unknown id or one forgotten after `JOBS_KEEP_SECONDS` |",
];

/** WORK-1: background jobs, in this process (p-queue) or in Redis run by workers (BullMQ) */
export const jobs: Feature = {
  id: 'jobs',
  applies: (answers) => answers.jobs !== 'none',
  layers: (answers) => [
    'features/jobs/common',
    `features/jobs/${answers.jobs}`,
    `features/jobs/${answers.framework}`,
    ...(answers.jobs === 'bullmq' ? ['features/jobs/kubernetes'] : []),
  ],
  dependencies: (answers) => packages[answers.jobs],
  // bullmq's msgpackr takes msgpackr-extract's prebuilt binary when there is one, else runs in
  // JavaScript: its build step (a node-gyp fallback) is not needed
  installScripts: (answers): Record<string, boolean> =>
    answers.jobs === 'bullmq' ? { 'msgpackr-extract': false } : {},
  // RUN-2: exec, as `start` does, so that SIGTERM reaches the worker and not a shell
  scripts: (answers): Record<string, string> =>
    answers.jobs === 'bullmq'
      ? {
          worker: 'exec node --enable-source-maps dist/worker.js',
          'worker:dev': 'tsx watch src/worker.ts | pino-pretty',
        }
      : {},
  env: (answers) => [
    ...commonEnv,
    ...(answers.jobs === 'bullmq' ? [redisUrl(answers), ...bullmqEnv] : []),
  ],
  readme: (answers) => [
    'features/jobs/readme/section.md',
    `features/jobs/readme/${answers.jobs}.md`,
  ],
  callsWithSpan: true,
  // RUN-4: with BullMQ, Redis and the worker beside the app in compose.yaml, and the workers'
  // own Deployment in deploy/kubernetes/
  deploy: (answers) =>
    answers.jobs === 'bullmq'
      ? {
          ...redisDeploy,
          services: {
            ...redisDeploy.services,
            worker: { template: 'features/jobs/compose/worker.yaml.hbs' },
          },
          manifests: ['worker.yaml'],
        }
      : {},
  slots: (answers) => ({
    'config.imports': [
      "import { jobsSettings } from './settings/jobs.js';",
      ...(answers.jobs === 'bullmq'
        ? ["import { bullmqJobsSettings } from './settings/jobs-bullmq.js';"]
        : []),
    ],
    'config.sections': [
      answers.jobs === 'bullmq'
        ? 'jobs: { ...jobsSettings(e), ...bullmqJobsSettings(e, appName) },'
        : 'jobs: jobsSettings(e),',
    ],
    'context.imports': [
      "import type { JobService } from './jobs/service.js';",
      "import { setupJobs } from './setup/jobs.js';",
    ],
    'context.fields': ['jobs: JobService;'],
    // after the pools it may use, so that it closes (and drains its jobs) before them
    'context.create': ['const jobs = setupJobs(config, logger, lifecycle);'],
    'context.values': ['jobs,'],
    'readme.routes': readmeRoutes,
    'test.env': answers.jobs === 'bullmq' ? ['JOBS_PREFIX: `test-${crypto.randomUUID()}`,'] : [],
  }),
  testServices: (answers) => (answers.jobs === 'bullmq' ? [redisTestService] : []),
  wiring: {
    fastify: {
      'app.imports': ["import { jobRoutes } from './routes/jobs.js';"],
      'app.routes': ['await app.register(jobRoutes, { jobs: context.jobs });'],
    },
    express: {
      'app.imports': ["import { jobRoutes } from './routes/jobs.js';"],
      'app.routes': ['app.use(jobRoutes(context.jobs));'],
    },
    hono: {
      'app.imports': ["import { jobRoutes } from './routes/jobs.js';"],
      'app.routes': ["app.route('/', jobRoutes(context.jobs));"],
    },
  },
};
