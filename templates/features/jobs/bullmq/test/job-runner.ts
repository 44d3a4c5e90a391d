import { Queue } from 'bullmq';
import { pino } from 'pino';
import { queueName } from '../src/perf/jobs/redis-queue.js';
import { startJobWorker } from '../src/perf/jobs/worker.js';
import type { RunningServer } from '../src/server.js';

/**
 * The server only queues jobs: a worker on the server's queue runs them, here in the test's
 * process (test/jobs-bullmq.test.ts runs `npm run worker` as a process of its own). `stop`
 * also removes the queue's keys, which are the test's own (JOBS_PREFIX of test/env.ts).
 */
export async function runJobs(server: RunningServer) {
  const settings = server.context.config.jobs;
  const worker = startJobWorker(settings, pino({ level: 'silent' }));
  await worker.waitUntilReady();
  return {
    async stop() {
      await worker.close();
      await removeQueue(settings);
    },
  };
}

/** removes every key of the queue, the test's own */
export async function removeQueue(settings: RunningServer['context']['config']['jobs']) {
  const queue = new Queue(queueName, {
    connection: { url: settings.redisUrl },
    prefix: settings.prefix,
  });
  await queue.obliterate({ force: true });
  await queue.close();
}
