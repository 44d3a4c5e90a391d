import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createJobService } from '../jobs/service.js';
import type { Lifecycle } from '../perf/lifecycle.js';
import { createJobQueue } from '../perf/jobs/backend.js';

/** WORK-1: the job queue, and the sample routes' service that uses it */
export function setupJobs(config: Config, logger: Logger, lifecycle: Lifecycle) {
  const jobs = createJobService(createJobQueue(config.jobs, logger));
  // closed before what was opened earlier: queued jobs finish while the pools they use are open
  lifecycle.onClose(() => jobs.close());
  // readiness turns green once the queue can take jobs (or has tried for long enough)
  lifecycle.onStart(() => jobs.ready());
  // a queue that refuses jobs refuses POST /api/jobs; the app still serves everything else
  lifecycle.readiness.add('jobs', () => jobs.check());
  return jobs;
}
