import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { runJob } from '../../jobs/handlers.js';
import { queueName } from './redis-queue.js';

/**
 * WORK-1: takes jobs from the queue in Redis and runs them, `concurrency` at a time. A worker
 * renews the lock of each job it runs; if it dies (SIGKILL, out of memory), its jobs' locks
 * expire within `lockMs` and another worker, or this one restarted, runs them again.
 */
export function startJobWorker(settings: Config['jobs'], logger: Logger): Worker {
  const worker = new Worker(queueName, (job) => runJob(job.name, job.data, job.id ?? ''), {
    // blocking commands wait for jobs: ioredis must retry them for as long as it takes
    connection: { url: settings.redisUrl, maxRetriesPerRequest: null },
    prefix: settings.prefix,
    concurrency: settings.concurrency,
    lockDuration: settings.lockMs,
    stalledInterval: settings.lockMs,
  });
  worker.on('completed', (job) => {
    const ms = (job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now());
    logger.info({ job: job.id, name: job.name, ms }, 'job done');
  });
  worker.on('failed', (job, error) => {
    const attempts = { made: job?.attemptsMade, max: job?.opts.attempts };
    logger.error({ job: job?.id, name: job?.name, attempts, err: error }, 'job failed');
  });
  worker.on('error', (error) => logger.error({ err: error }, 'jobs: worker error'));
  return worker;
}
