// WORK-1: `npm run worker`, the process that runs the jobs the app queues in Redis. Start as
// many as the work needs, on any machine that reaches the Redis; the same code and settings as
// the app.

// first: what is compiled after it is cached for the next start
import './perf/compile-cache.js';
import { loadConfigOrExit } from './config.js';
import { startJobWorker } from './perf/jobs/worker.js';
import { createLogger } from './perf/logger.js';
import { closeOnExit } from './perf/shutdown.js';
import { stopTracing } from './perf/spans.js';

const config = loadConfigOrExit();
const logger = createLogger(config);
const worker = startJobWorker(config.jobs, logger);
// RUN-2: on SIGTERM, take no new job and let the running ones finish (the rest wait in Redis);
// past SHUTDOWN_TIMEOUT_MS exit 1, and their locks expire so that another worker runs them
closeOnExit(
  async () => {
    await worker.close();
    // OBS-1: the spans of the last jobs, when the project traces
    await stopTracing();
  },
  {
    timeoutMs: config.shutdownTimeoutMs,
    logger,
    closingMessage: 'closing: no new jobs are taken, running ones finish',
  },
);
await worker.waitUntilReady();
logger.info({ concurrency: config.jobs.concurrency }, 'job worker running');
