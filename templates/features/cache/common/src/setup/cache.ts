import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createItemService } from '../items/service.js';
import { ItemSource } from '../items/source.js';
import { createCache } from '../perf/cache/backend.js';
import { createFrontCache } from '../perf/cache/front.js';
import type { Lifecycle } from '../perf/lifecycle.js';

/** CACHE-1..15: the cache, and the sample items it serves */
export async function setupCache(config: Config, logger: Logger, lifecycle: Lifecycle) {
  const { cache, rows } = await createCache(config.cache, logger);
  lifecycle.onClose(() => cache.close());
  // CACHE-14: without its cache the app is slower, not broken, so an unreachable Redis
  // reports "degraded" and keeps /ready at 200: failing it would take every instance
  // out of the load balancer at once
  lifecycle.readiness.add('cache', async () => cache.store.state());
  const source = new ItemSource(rows, config.cache.itemLoadMs);
  const items = createItemService(cache, source, config.cache.ttl);
  lifecycle.onStart(() => items.warmUp(config.cache.warmUp));
  // CACHE-15: hits of the cached routes are answered before the framework
  const frontCache = createFrontCache(cache, items);
  return { cache, items, frontCache };
}
