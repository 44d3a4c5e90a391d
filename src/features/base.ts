import type { Feature } from './types.js';

/** what every project gets: entry, settings, the node:http server, health, shutdown, tests */
export const base: Feature = {
  id: 'base',
  applies: () => true,
  layers: () => ['base'],
  dependencies: () => ['close-with-grace', 'pino', 'valibot'],
  devDependencies: () => [
    '@eslint/js',
    '@types/autocannon',
    '@types/node',
    'autocannon',
    'eslint',
    'globals',
    'pino-pretty',
    'prettier',
    'tsx',
    'typescript',
    'typescript-eslint',
    'vitest',
  ],
  scripts: () => ({
    // one process: tsx restarts it on every edit (WORK-3)
    dev: 'WEB_CONCURRENCY=1 tsx watch src/main.ts | pino-pretty',
    build: 'tsc -p tsconfig.build.json',
    // RUN-2: npm and pnpm pass SIGTERM to the shell they run a script in, which (dash on
    // Debian and in the node:slim images) does not pass it on: exec makes node that process. yarn's
    // own shell has no exec and passes the signal itself, so a yarn project's scripts go
    // without
    start: 'exec node --enable-source-maps dist/main.js',
    test: 'vitest run',
    typecheck: 'tsc --noEmit',
    lint: 'eslint . && prettier --check .',
    format: 'prettier --write . && eslint --fix .',
    bench: 'npm run build && tsx bench/run.ts',
  }),
  // tsx (and vitest's vite) run esbuild, whose postinstall checks its binary for this platform
  installScripts: () => ({ esbuild: true }),
  gitignore: ['node_modules/', 'dist/', 'coverage/', '.env', '*.log'],
  slots: () => ({
    'config.imports': ["import { clusterSettings, workerCount } from './settings/cluster.js';"],
    'config.sections': ['cluster: clusterSettings(e),'],
  }),
  env: () => [
    {
      name: 'PORT',
      schema: 'int(0, 65535)',
      default: 3000,
      doc: 'Port to listen on; 0 picks a free one',
    },
    { name: 'HOST', schema: 'v.string()', default: '0.0.0.0', doc: 'Address to listen on' },
    {
      name: 'LOG_LEVEL',
      schema: 'oneOf(logLevels)',
      default: 'info',
      doc: 'fatal, error, warn, info, debug, trace or silent',
    },
    {
      name: 'KEEP_ALIVE_TIMEOUT_MS',
      schema: 'int(1000, 600_000)',
      default: 65_000,
      doc: "How long an idle connection stays open; above the load balancer's idle timeout (CONN-1)",
    },
    {
      name: 'HEADERS_TIMEOUT_MS',
      schema: 'int(1000, 600_000)',
      default: 10_000,
      doc: "Time allowed to receive a request's headers; at most REQUEST_TIMEOUT_MS (CONN-2)",
    },
    {
      name: 'REQUEST_TIMEOUT_MS',
      schema: 'int(0, 3_600_000)',
      default: 30_000,
      doc: 'Time allowed to receive a whole request, body included; 0 for none (CONN-2)',
    },
    {
      name: 'MAX_REQUESTS_PER_SOCKET',
      schema: 'int(0, 1_000_000)',
      default: 10_000,
      doc: 'Requests served on one connection before it is closed; 0 for no limit (CONN-2)',
    },
    {
      name: 'BODY_LIMIT_BYTES',
      schema: 'int(1, 1_073_741_824)',
      default: 1_048_576,
      doc: 'Largest request body read, in bytes; past it the answer is 413 and the connection is closed (CONN-2)',
    },
    {
      name: 'SHED_EVENT_LOOP_DELAY_MS',
      schema: 'int(0, 60_000)',
      default: 100,
      doc: 'Mean event-loop delay (ms, per half second) above which a growing share of requests gets 503 with Retry-After, never /health or /ready; 0 for off (WORK-5)',
    },
    {
      name: 'SHED_EVENT_LOOP_UTILIZATION',
      schema: 'share()',
      default: 0,
      doc: 'Share of time the event loop is busy (0..1) above which requests are refused too; 0 for off, since a server at full use may still answer in time (WORK-5)',
    },
    {
      name: 'SHED_RETRY_AFTER_SECONDS',
      schema: 'int(1, 3600)',
      default: 5,
      doc: 'The Retry-After of a 503 from load shedding (WORK-5)',
    },
    {
      name: 'SHUTDOWN_DELAY_MS',
      schema: 'int(0, 600_000)',
      doc: 'How long shutdown keeps serving once /ready answers 503, so load balancers stop sending requests first; 5000 when unset, 0 when run from a terminal (RUN-2)',
    },
    {
      name: 'DRAIN_TIMEOUT_MS',
      schema: 'int(0, 600_000)',
      default: 8000,
      doc: 'How long shutdown then waits for in-flight requests before cutting them off (RUN-2)',
    },
    {
      name: 'SHUTDOWN_TIMEOUT_MS',
      schema: 'int(0, 600_000)',
      default: 15_000,
      doc: 'How long the whole shutdown may take before the process exits 1 (RUN-2)',
    },
    {
      name: 'WEB_CONCURRENCY',
      schema: 'int(1, 1024)',
      doc: 'Worker processes, each running the whole app; one per core when unset, 1 for a single process (WORK-3)',
    },
    {
      name: 'MAX_REQUESTS_PER_WORKER',
      schema: 'int(0, 1_000_000_000)',
      default: 0,
      doc: 'Requests a worker serves before a new one takes over and it drains; 0 for no limit (WORK-4)',
    },
    {
      name: 'MAX_REQUESTS_JITTER',
      schema: 'int(0, 1_000_000_000)',
      doc: "Up to this many requests added at random to each worker's limit, so workers are not all replaced at once; a tenth of MAX_REQUESTS_PER_WORKER when unset (WORK-4)",
    },
    {
      name: 'MAX_WORKER_RSS_MB',
      schema: 'int(0, 1_048_576)',
      default: 0,
      doc: 'Resident memory, in MiB, above which a worker is replaced the same way; 0 for no bound (WORK-4)',
    },
    {
      name: 'WORKER_RSS_CHECK_MS',
      schema: 'int(100, 3_600_000)',
      default: 5000,
      doc: 'How often a worker compares its resident memory with MAX_WORKER_RSS_MB (WORK-4)',
    },
  ],
};
