import type { Config } from '../config.js';
import { createHasher } from '../hash/service.js';
import type { Lifecycle } from '../perf/lifecycle.js';
import { createWorkerPool } from '../perf/worker-pool.js';

/** WORK-2: the worker-thread pool, and the sample route's hasher that uses it */
export function setupWorkers(config: Config, lifecycle: Lifecycle) {
  const workers = createWorkerPool(config.workers);
  lifecycle.onClose(() => workers.close());
  // a full queue refuses CPU-heavy requests; the app still serves everything else
  lifecycle.readiness.add('workers', async () => (workers.full ? 'degraded' : 'up'));
  return { workers, hasher: createHasher(workers) };
}
