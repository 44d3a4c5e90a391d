import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { redisRows } from '../../items/redis-rows.js';
import { memoryRows, type ItemRows } from '../../items/source.js';
import { Cache } from './cache.js';
import { followVersions, RedisStore } from './redis-store.js';
import { MemoryStore } from './store.js';
import { TieredStore } from './tiered-store.js';

/** the cache of this project: memory in front of Redis, kept in step over pub/sub (CACHE-3) */
export async function createCache(
  config: Config['cache'],
  logger: Logger,
): Promise<{ cache: Cache; rows: ItemRows }> {
  const memory = new MemoryStore(config.memory);
  if (!config.redisUrl) {
    logger.warn('cache: REDIS_URL is not set, so the cache is in this process only');
    return { cache: new Cache(memory, config, logger), rows: memoryRows() };
  }
  const redis = new RedisStore(
    { url: config.redisUrl, ...config.redis, prefix: config.prefix },
    logger,
  );
  await redis.connect(config.redis.connectTimeoutMs);
  const cache = new Cache(new TieredStore(memory, redis, config.l1TtlMs), config, logger);
  followVersions(cache, redis);
  const rows = redisRows(redis, `${config.prefix}:items:rows`, config.redis.commandTimeoutMs);
  return { cache, rows };
}
