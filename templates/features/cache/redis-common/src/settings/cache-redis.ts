import type { Env } from '../config.js';

/** CACHE-2, CACHE-12, CACHE-14: the cache shared in Redis */
export function redisCacheSettings(e: Env) {
  return {
    redisUrl: e.REDIS_URL,
    waitMs: e.CACHE_WAIT_MS,
    redis: {
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
      connectTimeoutMs: 2000,
      // CACHE-14: how long Redis is not called after a timeout, before one probe
      coolDownMs: 1000,
    },
    lockTtlMs: e.CACHE_LOCK_TTL_MS,
    lockWaitMs: e.CACHE_LOCK_WAIT_MS,
  };
}
