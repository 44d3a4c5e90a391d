import { availableParallelism } from 'node:os';
import type { Env } from '../config.js';

/** WORK-2 */
export function workersSettings(e: Env) {
  // one core is left to the event loop, which keeps answering while the threads compute
  const threads = e.WORKER_THREADS ?? Math.max(1, availableParallelism() - 1);
  return {
    threads,
    queueMax: e.WORKER_QUEUE_MAX ?? threads * 4,
  };
}
