// WORK-1: `npm run worker`, the process that runs the jobs the app queues in Redis. Start as
// many as the work needs, on any machine that reaches the Redis; the same code and settings as
// the app.

import { existsSync } from 'node:fs';
import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startJobWorker } from './perf/jobs/worker.js';
import { createLogger } from './perf/logger.js';

// settings already in the environment win over the ones in .env
if (existsSync('.env')) process.loadEnvFile('.env');

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config);
const worker = startJobWorker(config.jobs, logger);
// RUN-2: on SIGTERM, take no new job and let the running ones finish (the rest wait in Redis);
// past SHUTDOWN_TIMEOUT_MS exit 1, and their locks expire so that another worker runs them
closeWithGrace({ delay: config.shutdownTimeoutMs, logger }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'closing after an uncaught error');
  else logger.info({ signal }, 'closing: no new jobs are taken, running ones finish');
  await worker.close();
});
await worker.waitUntilReady();
logger.info({ concurrency: config.jobs.concurrency }, 'job worker running');
