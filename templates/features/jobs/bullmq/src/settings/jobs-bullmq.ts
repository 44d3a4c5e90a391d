import type { Env } from '../config.js';

/** WORK-1: the queue in Redis; `appName` prefixes its keys when JOBS_PREFIX is unset */
export function bullmqJobsSettings(e: Env, appName: string) {
  return {
    // the queue cannot do without Redis: unset, the local one (REDIS_URL unset keeps a shared
    // cache in memory)
    redisUrl: e.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: e.JOBS_PREFIX ?? appName,
    attempts: e.JOBS_ATTEMPTS,
    backoffMs: e.JOBS_BACKOFF_MS,
    lockMs: e.JOBS_LOCK_MS,
  };
}
