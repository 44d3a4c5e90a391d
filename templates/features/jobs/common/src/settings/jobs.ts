import type { Env } from '../config.js';

/** WORK-1 */
export function jobsSettings(e: Env) {
  return {
    concurrency: e.JOBS_CONCURRENCY,
    queueMax: e.JOBS_QUEUE_MAX,
    // finished jobs are kept for GET /api/jobs/:id, up to a count and an age: never without bound
    keepFinished: e.JOBS_KEEP_FINISHED,
    keepSeconds: e.JOBS_KEEP_SECONDS,
  };
}
