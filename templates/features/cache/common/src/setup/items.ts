import type { Config } from '../config.js';
import { createItemService } from '../items/service.js';
import { ItemSource, type ItemRows } from '../items/source.js';
import type { Cache } from '../perf/cache/cache.js';
import { createFrontCache } from '../perf/cache/front.js';
import type { Lifecycle } from '../perf/lifecycle.js';

/**
 * The sample items and their cached routes: the one place that wires them in. To start from
 * an empty project, delete src/items/, this file, src/settings/items.ts, src/routes/items.ts and
 * their tests, then the lines that name them in src/config.ts, src/context.ts and src/app.ts.
 */
export function setupItems(config: Config, cache: Cache, rows: ItemRows, lifecycle: Lifecycle) {
  const source = new ItemSource(rows, config.items.loadMs);
  const items = createItemService(cache, source, config.items.ttl);
  // CACHE-10
  lifecycle.onStart(() => items.warmUp(config.items.warmUp));
  // CACHE-15: hits of the cached routes are answered before the framework
  const frontCache = createFrontCache(cache, items);
  return { items, frontCache };
}
