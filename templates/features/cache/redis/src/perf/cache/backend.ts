import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { redisRows } from '../../items/redis-rows.js';
import { memoryRows, type ItemRows } from '../../items/source.js';
import { Cache } from './cache.js';
import { followVersions, RedisStore } from './redis-store.js';
import { MemoryStore } from './store.js';

/** the cache of this project: shared by every instance in Redis (CACHE-2) */
export async function createCache(
  config: Config['cache'],
  logger: Logger,
): Promise<{ cache: Cache; rows: ItemRows }> {
  if (!config.redisUrl) {
    logger.warn('cache: REDIS_URL is not set, so the cache is in this process only');
    return { cache: new Cache(new MemoryStore(config.memory), config, logger), rows: memoryRows() };
  }
  const store = new RedisStore(
    { url: config.redisUrl, ...config.redis, prefix: config.prefix },
    logger,
  );
  await store.connect(config.redis.connectTimeoutMs);
  const cache = new Cache(store, config, logger);
  followVersions(cache, store);
  const rows = redisRows(store, `${config.prefix}:items:rows`, config.redis.commandTimeoutMs);
  return { cache, rows };
}
