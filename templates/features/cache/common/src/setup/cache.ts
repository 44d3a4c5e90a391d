import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createCache } from '../perf/cache/backend.js';
import type { Lifecycle } from '../perf/lifecycle.js';

/**
 * CACHE-1..14: the cache, and where the sample items keep their edits (`rows`: in the cache's
 * Redis when it has one, so that every instance sees them)
 */
export async function setupCache(config: Config, logger: Logger, lifecycle: Lifecycle) {
  const { cache, rows } = await createCache(config.cache, logger);
  lifecycle.onClose(() => cache.close());
  // CACHE-14: without its cache the app is slower, not broken, so an unreachable Redis
  // reports "degraded" and keeps /ready at 200: failing it would take every instance
  // out of the load balancer at once
  lifecycle.readiness.add('cache', async () => cache.store.state());
  return { cache, rows };
}
