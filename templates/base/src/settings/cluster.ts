import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Env } from '../config.js';

/** WORK-3: WEB_CONCURRENCY, or one worker per core (each runs the whole app on its own event loop) */
export const workerCount = (setting: number | undefined): number =>
  setting ?? availableParallelism();

/** WORK-3 (workers per machine) and WORK-4 (when a worker is replaced) */
export function clusterSettings(e: Env) {
  const maxRequests = e.MAX_REQUESTS_PER_WORKER;
  return {
    workers: workerCount(e.WEB_CONCURRENCY),
    maxRequests,
    // each worker's limit is drawn between maxRequests and maxRequests + jitter, so workers
    // started together are not all replaced together
    maxRequestsJitter: e.MAX_REQUESTS_JITTER ?? Math.round(maxRequests / 10),
    maxRssBytes: e.MAX_WORKER_RSS_MB * 1024 * 1024,
    rssCheckMs: e.WORKER_RSS_CHECK_MS,
  };
}

export type ClusterSettings = ReturnType<typeof clusterSettings>;

/**
 * This process forks the workers and serves nothing itself (WORK-3). Under `npm run dev`,
 * with WEB_CONCURRENCY=1, or in a worker, it is the one that serves.
 */
export const isClusterPrimary = ({ workers }: Pick<ClusterSettings, 'workers'>): boolean =>
  cluster.isPrimary && workers > 1;
